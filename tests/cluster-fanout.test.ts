import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { encodeBinary } from '../shared/binary-codec';
import { ROLL_DICE_EVENT } from '../shared/dice';
import type { PdfData } from '../shared/layers-protocol';
import { PRESENCE_EVENT, type PresenceEvent } from '../shared/presence';
import type { GameStateDelta } from '../shared/protocol';
import { clusterNodes, clusterSettings } from './support/cluster';
import { eventually, nextEvent, request } from './support/harness';
import type { ServerProcess } from './support/server-process';
import { closeAll, decoded, join, minimalPdf, player, uploadPdf, type Player } from './support/table';

/** The names in the last presence list `socket` received, sorted; updated as lists come. */
function presenceOf(socket: Socket): { names: string[] } {
  const seen = { names: [] as string[] };
  socket.on(PRESENCE_EVENT, (event: PresenceEvent) => (seen.names = event.members.map((member) => member.name).sort()));
  return seen;
}

describe('the cross-node fan-out (STORAGE=postgres, REDIS_URL)', () => {
  it('F1: every kind of event reaches the clients of a table on the other node: deltas, dice, layers, PDFs, live, pages, presence', async (t) => {
    const settings = await clusterSettings();
    const [one, two] = (await clusterNodes(2, settings)) as [ServerProcess, ServerProcess];
    const host = await player(one.url, 'Hana');
    const reader = await player(one.url, 'Rhea');
    const far = await player(two.url, 'Faro');
    t.after(() => closeAll([host, reader, far]));
    const hostSees = presenceOf(host.socket);
    const farSees = presenceOf(far.socket);
    const { sessionId } = await request(host.socket, 'create-session');
    await join(host, sessionId);
    await join(far, sessionId);
    await join(reader, sessionId);
    await eventually(() => hostSees.names.join() === 'Faro,Hana,Rhea' && farSees.names.join() === 'Faro,Hana,Rhea', 10_000, 'presence across both nodes');

    // a state delta, relayed on node one, followed on node two once committed
    const farDelta = nextEvent<GameStateDelta>(far.socket, 'game-state-delta');
    const ack = await request(host.socket, 'update-game-state', { updates: { hp: 7 }, baseVersion: 0 });
    assert.deepEqual(ack, { ok: true, version: 1 });
    assert.deepEqual([(await farDelta).version, (await farDelta).delta], [1, { hp: [7] }]);

    // the server's dice roll on node two: a delta on node one
    const hostDice = nextEvent<GameStateDelta>(host.socket, 'game-state-delta');
    const rolled = await request(far.socket, ROLL_DICE_EVENT, { expression: '2d6' });
    assert.equal(rolled.ok, true);
    const diceDelta = await hostDice;
    assert.equal(diceDelta.version, 2);
    assert.ok(JSON.stringify(diceDelta.delta).includes(rolled.roll.id), 'the roll is in the delta');

    // a PDF uploaded through node one: announced on node two, and read there by a member who joined on node one
    const farPdf = nextEvent<PdfData>(far.socket, 'pdf-added');
    const uploaded = await uploadPdf(one.url, sessionId, host.token, minimalPdf('cluster'));
    assert.equal(uploaded.status, 201);
    const pdf = (await uploaded.json()) as PdfData;
    assert.deepEqual(await farPdf, pdf);
    const read = await fetch(`${two.url}${pdf.url}`, { headers: { authorization: `Bearer ${reader.token}` } });
    assert.equal(read.status, 200, 'a member who joined through node one reads the PDF through node two');
    assert.deepEqual(Buffer.from(await read.arrayBuffer()), minimalPdf('cluster'));

    // layers both ways; the second edit, from revision 1 that node two followed, merges with it
    const farLayers = nextEvent<Uint8Array>(far.socket, 'layers-updated');
    const first = { tokens: [{ id: 't1', x: 1 }] };
    assert.deepEqual(await request(host.socket, 'update-layers', encodeBinary({ pdfId: pdf.id, pageNum: 1, layers: first })), { ok: true, revision: 1 });
    assert.deepEqual(decoded(await farLayers), { pdfId: pdf.id, pageNum: 1, layers: first, revision: 1 });
    const hostLayers = nextEvent<Uint8Array>(host.socket, 'layers-updated');
    const second = { tokens: [{ id: 't1', x: 1 }, { id: 't2', x: 2 }] };
    const merged = await request(far.socket, 'update-layers', encodeBinary({ pdfId: pdf.id, pageNum: 1, layers: second, baseRevision: 1 }));
    assert.deepEqual(merged, { ok: true, revision: 2 });
    assert.deepEqual(decoded(await hostLayers), { pdfId: pdf.id, pageNum: 1, layers: second, revision: 2 });

    // live updates and page navigation, never stored
    const farLive = nextEvent<Uint8Array>(far.socket, 'real-time-update');
    assert.deepEqual(await request(host.socket, 'real-time-update', encodeBinary({ type: 'pointer', data: { x: 0.5 } })), { ok: true });
    assert.deepEqual(decoded(await farLive), { type: 'pointer', data: { x: 0.5 }, from: host.user });
    const hostPage = nextEvent(host.socket, 'page-navigated');
    const view = { pdfId: pdf.id, currentPage: 3, scale: 1.5 };
    assert.deepEqual(await request(far.socket, 'navigate-page', view), { ok: true });
    assert.deepEqual(await hostPage, view);

    // a joiner of node two gets everything in its full state: the table there followed it all
    const late = await player(two.url, 'Lio');
    t.after(() => closeAll([late]));
    const full = await join(late, sessionId);
    assert.equal(full.version, 2);
    assert.equal(full.state.hp, 7);
    assert.equal(full.layerRevisions[pdf.id]?.[1], 2);
    assert.deepEqual(full.view, view);
    assert.deepEqual(full.pdfs, [pdf]);

    // the host removes the book through node one: node two drops it and tells its players
    const farRemoved = nextEvent(far.socket, 'pdf-removed');
    const removed = await fetch(`${one.url}/api/sessions/${sessionId}/pdfs/${pdf.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${host.token}` } });
    assert.equal(removed.status, 204);
    assert.deepEqual(await farRemoved, { pdfId: pdf.id });
    const ove = await player(two.url, 'Ove');
    t.after(() => closeAll([ove]));
    const after = await join(ove, sessionId);
    assert.deepEqual(after.pdfs, []);

    // leaving on node two is seen on node one
    far.socket.disconnect();
    late.socket.disconnect();
    ove.socket.disconnect();
    await eventually(() => hostSees.names.join() === 'Hana,Rhea', 10_000, 'presence after the node-two players left');
  });
});
