import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeBinary } from '../shared/binary-codec';
import type { PdfData } from '../shared/layers-protocol';
import { clusterNode, clusterSettings, silentNode } from './support/cluster';
import { nextEvent, request } from './support/harness';
import { closeAll, join, minimalPdf, player, uploadPdf } from './support/table';

const tokenAt = (x: number) => ({ tokens: [{ id: 't', x }] });

describe('a book removed through a node whose message has not arrived (STORAGE=postgres)', () => {
  it('F9: an edit of its pages on a node that still shows the book is refused not-found and not stored; that node drops the book and tells its players; added again, the book starts with no pages', async (t) => {
    const settings = await clusterSettings();
    const node = await clusterNode(settings);
    // it hears nothing: the removal's message never reaches it, as when it is still on its way
    const silent = await silentNode(settings);
    const host = await player(node.url, 'Hana');
    const far = await player(silent.url, 'Faro');
    t.after(() => closeAll([host, far]));
    const { sessionId } = await request(host.socket, 'create-session');
    await join(host, sessionId);
    const bytes = minimalPdf('removed elsewhere');
    const pdf = (await (await uploadPdf(node.url, sessionId, host.token, bytes)).json()) as PdfData;
    assert.deepEqual((await join(far, sessionId)).pdfs, [pdf], 'the silent node loads the table with its book');
    const drawn = await request(far.socket, 'update-layers', encodeBinary({ pdfId: pdf.id, pageNum: 1, layers: tokenAt(1) }));
    assert.deepEqual(drawn, { ok: true, revision: 1 });

    const removed = await fetch(`${node.url}/api/sessions/${sessionId}/pdfs/${pdf.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${host.token}` } });
    assert.equal(removed.status, 204);
    // the silent node still shows the book: an edit of a page it has (revision 2) and of a new one (revision 1)
    const farRemoved = nextEvent(far.socket, 'pdf-removed');
    for (const edit of [{ pageNum: 1, layers: tokenAt(2), baseRevision: 1 }, { pageNum: 2, layers: tokenAt(3) }]) {
      const answer = await request(far.socket, 'update-layers', encodeBinary({ pdfId: pdf.id, ...edit }));
      assert.equal(answer.ok, false, `page ${edit.pageNum}: refused`);
      assert.equal(answer.error.code, 'not-found');
    }
    assert.deepEqual(await farRemoved, { pdfId: pdf.id }, 'the silent node dropped the book and told its players');

    // nothing of it was stored: a table loaded from the database on either node has no page of it
    const late = await player(silent.url, 'Lio');
    t.after(() => closeAll([late]));
    const loaded = await join(late, sessionId);
    assert.deepEqual(loaded.pdfs, []);
    assert.equal(loaded.layerRevisions[pdf.id], undefined);

    // the same book added again starts with no pages: its first edit is revision 1
    assert.equal((await uploadPdf(node.url, sessionId, host.token, bytes)).status, 201);
    assert.deepEqual(await request(host.socket, 'update-layers', encodeBinary({ pdfId: pdf.id, pageNum: 1, layers: tokenAt(4) })), { ok: true, revision: 1 });
  });
});
