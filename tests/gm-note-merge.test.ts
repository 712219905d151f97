import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { applyGmChanges, mergeGmChanges, type GmChange, type GmDocumentChanged } from '../shared/gm-changes';
import { REMEMBERED_PUTS, RoleClientEvent, RoleServerEvent, type GmContent, type GmDocument } from '../shared/roles-protocol';
import { rebasedDrafts, settledDraft, typedDraft } from '../activity/src/model/gm-note-drafts';
import { useGm } from '../activity/src/store/gm-store';
import type { TableConnection } from '../activity/src/sync/connection';
import { TableError } from '../activity/src/sync/table-error';
import { eventually, guest, openSocket, request, startTestServer, type TestServer } from './support/harness';

const BASE = 'The door opens onto the crypt';
const put = (text: string, base?: string): { changes: GmChange[] } => ({ changes: [{ op: 'put-note', note: { id: 'n1', text }, ...(base === undefined ? {} : { base }) }] });

/** The document as a game master's client keeps it from what it receives. */
function follow(socket: Socket): { document: GmDocument | null; received: GmDocumentChanged[] } {
  const view: { document: GmDocument | null; received: GmDocumentChanged[] } = { document: null, received: [] };
  socket.on(RoleServerEvent.gmDocument, (document: GmDocument) => (view.document = document));
  socket.on(RoleServerEvent.gmDocumentChanged, (changed: GmDocumentChanged) => {
    view.received.push(changed);
    const document = view.document;
    assert.ok(document && changed.revision === document.revision + 1, 'one socket on one node gets every revision in order');
    view.document = { revision: changed.revision, ...applyGmChanges(document, changed.changes) };
  });
  return view;
}

describe('two game masters typing in one GM note over real sockets', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ UPDATES_PER_SECOND: '1000', UPDATES_BURST: '1000' });
  });
  after(() => server.stop());

  async function twoGameMasters() {
    const [hana, pia] = await Promise.all(['Hana', 'Pia'].map((name) => guest(server.url, name)));
    const host = await openSocket(server.url, hana!.token);
    const { sessionId } = await request(host, 'create-session');
    const hostView = follow(host);
    await request(host, 'join-session', sessionId);
    assert.equal((await request(host, RoleClientEvent.setRole, { userId: pia!.user.id, role: 'game-master' })).ok, true);
    const co = await openSocket(server.url, pia!.token);
    const coView = follow(co);
    assert.equal((await request(co, 'join-session', sessionId)).role, 'game-master');
    await eventually(() => hostView.document !== null && coView.document !== null, 5000, 'both documents');
    return { host, co, views: [hostView, coView] };
  }

  it('R12: two puts of one note from the same base with different insertions keep both; both sockets converge on the same text and revision', async () => {
    const { host, co, views } = await twoGameMasters();
    assert.deepEqual(await request(host, RoleClientEvent.changeGmDocument, put(BASE)), { ok: true, revision: 1 });
    const acks = await Promise.all([
      request(host, RoleClientEvent.changeGmDocument, put(BASE.replace('door', 'door slowly'), BASE)),
      request(co, RoleClientEvent.changeGmDocument, put(`${BASE} below the chapel`, BASE)),
    ]);
    assert.deepEqual(acks.map((ack) => ack.revision).sort(), [2, 3]);
    await eventually(() => views.every((view) => view.document?.revision === 3), 5000, 'revision 3 on both sockets');
    const expected = 'The door slowly opens onto the crypt below the chapel';
    for (const view of views) assert.equal(view.document!.notes[0]!.text, expected);
    const stored = (await request(co, RoleClientEvent.getGmDocument, {})).document as GmDocument;
    assert.deepEqual(stored, views[0]!.document, 'what the sockets hold is what is stored');
    for (const view of views) {
      const last = view.received.at(-1)!.changes[0]!;
      assert.ok(last.op === 'put-note' && !('base' in last), 'the room gets the merged note, not the base');
    }
    host.disconnect();
    co.disconnect();
  });

  it('R12: a put without a base replaces the note as before; a put with a base of a note removed meanwhile brings it back with its words', async () => {
    const { host, co } = await twoGameMasters();
    await request(host, RoleClientEvent.changeGmDocument, put(BASE));
    await request(co, RoleClientEvent.changeGmDocument, put('Typed over whole'));
    assert.equal(((await request(host, RoleClientEvent.getGmDocument, {})).document as GmDocument).notes[0]!.text, 'Typed over whole');
    await request(host, RoleClientEvent.changeGmDocument, { changes: [{ op: 'remove-note', id: 'n1' }] });
    assert.deepEqual(await request(co, RoleClientEvent.changeGmDocument, put('Typed over whole, and more', 'Typed over whole')), { ok: true, revision: 4 });
    assert.equal(((await request(host, RoleClientEvent.getGmDocument, {})).document as GmDocument).notes[0]!.text, 'Typed over whole, and more');
    host.disconnect();
    co.disconnect();
  });

  it('R15: a put sent again with its putId (its answer lost) is stored once, keeping what was typed meanwhile; the note remembers the put', async () => {
    const { host, co } = await twoGameMasters();
    await request(host, RoleClientEvent.changeGmDocument, put(BASE));
    const typed = `${BASE} below the chapel`;
    const lostAnswer = { changes: [{ op: 'put-note', note: { id: 'n1', text: typed }, base: BASE, putId: 'put-a' }] };
    assert.equal((await request(co, RoleClientEvent.changeGmDocument, lostAnswer)).ok, true);
    await request(host, RoleClientEvent.changeGmDocument, put(typed.replace('door', 'old door'), typed));
    assert.equal((await request(co, RoleClientEvent.changeGmDocument, lostAnswer)).ok, true, 'the resend is answered');
    const note = ((await request(host, RoleClientEvent.getGmDocument, {})).document as GmDocument).notes[0]!;
    assert.equal(note.text, 'The old door opens onto the crypt below the chapel', 'the typing once, the other game master\'s kept');
    assert.deepEqual(note.puts, ['put-a']);
    host.disconnect();
    co.disconnect();
  });

  it('R12: a base that is not a string, or past the note limit, is refused at the edge', async () => {
    const { host } = await twoGameMasters();
    const refused = await request(host, RoleClientEvent.changeGmDocument, { changes: [{ op: 'put-note', note: { id: 'n1', text: 'x' }, base: 42 }] });
    assert.equal(refused.ok, false);
    const tooLong = await request(host, RoleClientEvent.changeGmDocument, put('x', 'y'.repeat(20_001)));
    assert.equal(tooLong.ok, false);
    host.disconnect();
  });
});

describe('the ids of a note\'s puts (R15)', () => {
  it('R15: a note remembers its last puts, at most REMEMBERED_PUTS; a change as applied brings them to other nodes', () => {
    let content: GmContent = { notes: [{ id: 'n1', text: '' }], marks: [] };
    const applied: GmChange[] = [];
    for (let i = 0; i < REMEMBERED_PUTS + 4; i++) {
      const merged = mergeGmChanges(content, [{ op: 'put-note', note: { id: 'n1', text: `${i}` }, base: content.notes[0]!.text, putId: `p${i}` }]);
      content = merged.content;
      applied.push(...merged.applied);
    }
    const puts = Array.from({ length: REMEMBERED_PUTS }, (_, i) => `p${i + 4}`);
    assert.deepEqual(content.notes[0]!.puts, puts);
    assert.deepEqual(applyGmChanges({ notes: [], marks: [] }, applied).notes[0]!.puts, puts, 'followed from the changes as applied');
    const plain = mergeGmChanges(content, [{ op: 'put-note', note: { id: 'n1', text: 'typed over' } }]).content.notes[0]!;
    assert.deepEqual(plain, { id: 'n1', text: 'typed over', puts }, 'a put without an id keeps the ids stored');
  });
});

describe('an open GM note editor rebases its typing (activity/src/model/gm-note-drafts.ts)', () => {
  const note = (text: string) => [{ id: 'n1', text }];

  it('R12: typing keeps its base; another game master\'s edit comes into the draft and becomes its base', () => {
    const typed = typedDraft({}, 'n1', BASE, `${BASE} below`);
    assert.deepEqual(typed.n1, { base: BASE, text: `${BASE} below` });
    const rebased = rebasedDrafts(typed, note(BASE.replace('door', 'old door')), new Set());
    assert.deepEqual(rebased.n1, { base: BASE.replace('door', 'old door'), text: 'The old door opens onto the crypt below' });
    assert.deepEqual(rebasedDrafts(typed, [], new Set()), {}, 'a removed note has no draft');
    assert.deepEqual(typedDraft(typed, 'n1', BASE, BASE), {}, 'typed back to the stored text: nothing to send');
  });

  it('R12: a draft being sent waits for its answer; accepted, only what was typed since stays; refused, all of it stays', () => {
    const sent = `${BASE} below`;
    const typedMore = typedDraft(typedDraft({}, 'n1', BASE, sent), 'n1', BASE, `${sent} the chapel`);
    const merged = 'The old door opens onto the crypt below';
    assert.deepEqual(rebasedDrafts(typedMore, note(merged), new Set(['n1'])), typedMore, 'not rebased while its put is on its way');
    assert.deepEqual(settledDraft(typedMore, note(merged), 'n1', sent, true).n1, { base: merged, text: `${merged} the chapel` });
    const other = BASE.replace('door', 'old door');
    assert.deepEqual(settledDraft(typedMore, note(other), 'n1', sent, false).n1, { base: other, text: 'The old door opens onto the crypt below the chapel' });
    assert.deepEqual(settledDraft(typedDraft({}, 'n1', BASE, sent), note(sent), 'n1', sent, true), {}, 'all of it stored: no draft left');
  });
});

/** A game master's connection as the GM store sees it: each request waits for the test to answer it. */
function fakeConnection() {
  const requests: Array<{ event: string; payload: { changes: GmChange[] }; answer(value: object): void; fail(error: Error): void }> = [];
  let listeners: Parameters<TableConnection['onRoles']>[0] | undefined;
  const connection = {
    onRoles(given: Parameters<TableConnection['onRoles']>[0]) {
      listeners = given;
      return () => undefined;
    },
    roleRequest: (event: string, payload: { changes: GmChange[] }) =>
      new Promise((answer, fail) => requests.push({ event, payload, answer, fail })),
  };
  return { connection: connection as unknown as TableConnection, requests, listeners: () => listeners! };
}

describe('the GM store sends a put again when its answer never came (activity/src/store/gm-store.ts)', () => {
  it('R15: timed out, the same put (same putId, base and text) goes again; refused, it does not', async () => {
    const { connection, requests, listeners } = fakeConnection();
    const said: string[] = [];
    useGm.getState().attach({ connection, say: (text) => said.push(text), removed: () => undefined });
    try {
      listeners().gm({ revision: 1, notes: [{ id: 'n1', text: BASE }], marks: [] });
      useGm.getState().typeGmNote('n1', `${BASE} below`);
      useGm.getState().flushGmNote('n1');
      await eventually(() => requests.length === 1, 2000, 'the put');
      requests[0]!.fail(new TableError('timeout', 'the server did not answer in time'));
      await eventually(() => requests.length === 2, 5000, 'the put sent again');
      const [first, again] = requests.map((request) => request.payload.changes[0]!);
      assert.ok(first?.op === 'put-note' && typeof first.putId === 'string');
      assert.deepEqual(again, first, 'the very same put');
      // stored (once, by its id): its revision comes, then its answer
      const stored = mergeGmChanges({ notes: [{ id: 'n1', text: BASE }], marks: [] }, [first]);
      listeners().gmChanged({ revision: 2, changes: stored.applied });
      requests[1]!.answer({ revision: 2 });
      await eventually(() => Object.keys(useGm.getState().drafts).length === 0, 2000, 'the draft settled');
      assert.equal(useGm.getState().gm?.notes[0]?.text, `${BASE} below`);

      useGm.getState().typeGmNote('n1', `${BASE} below the chapel`);
      useGm.getState().flushGmNote('n1');
      await eventually(() => requests.length === 3, 2000, 'the next put');
      requests[2]!.fail(new TableError('forbidden', 'only the host and game masters see and edit their notes'));
      await eventually(() => said.length === 1, 2000, 'the refusal said');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(requests.length, 3, 'a refused put is not sent again by itself');
      assert.equal(useGm.getState().drafts.n1?.text, `${BASE} below the chapel`, 'its typing stays a draft');
    } finally {
      useGm.getState().detach();
    }
  });
});
