import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { applyGmChanges, type GmDocumentChanged } from '../shared/gm-changes';
import { PRESENCE_EVENT } from '../shared/presence';
import { RoleClientEvent, RoleServerEvent, type GmDocument, type TableRoles } from '../shared/roles-protocol';
import { clusterNodes, clusterSettings } from './support/cluster';
import { eventually, guest, nextEvent, openSocket, request, startTestServer } from './support/harness';
import { testDatabase } from './support/postgres';
import type { ServerProcess } from './support/server-process';
import { closeAll, join, player } from './support/table';

/** Every `event` the socket receives from now on, in order. */
function collect<T>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

/**
 * The game master document as a client keeps it: the changes of the next revision applied, the
 * document fetched whole after a gap (a node that lost a race sends only its own revision).
 */
function followDocument(socket: Socket): { document: GmDocument; changes: number } {
  const view = { document: { revision: 0, notes: [], marks: [] } as GmDocument, changes: 0 };
  socket.on(RoleServerEvent.gmDocumentChanged, async ({ revision, changes }: GmDocumentChanged) => {
    if (revision === view.document.revision + 1) {
      view.document = { revision, ...applyGmChanges(view.document, changes) };
      view.changes++;
    } else if (revision > view.document.revision) {
      const { document } = await request(socket, RoleClientEvent.getGmDocument, {});
      if (document.revision > view.document.revision) view.document = document;
    }
  });
  return view;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Short, so the tests can wait for a table to become claimable; waits in R9 are this plus a margin. */
const CLAIM_SECONDS = 2;

// at the top of the file: what it starts is stopped when the file ends (after() in a before() hook would stop it when the hook ends)
const nodes = await clusterNodes(3, await clusterSettings(), { TABLE_CLAIM_SECONDS: String(CLAIM_SECONDS) });

describe('roles across two nodes on one PostgreSQL', () => {
  it('R7: a removal, an appointment and a game master edit made on one node hold on the other', async () => {
    const env = { STORAGE: 'postgres', DATABASE_URL: await testDatabase(), SESSION_SECRET: 'one-secret-that-both-nodes-of-this-test-share' };
    const a = await startTestServer(env);
    const b = await startTestServer(env);
    try {
      const [hana, pia, rex] = await Promise.all(['Hana', 'Pia', 'Rex'].map((name) => guest(a.url, name)));
      const host = await openSocket(a.url, hana!.token);
      const { sessionId } = await request(host, 'create-session');
      await request(host, 'join-session', sessionId);
      const rexOnB = await openSocket(b.url, rex!.token);
      assert.equal((await request(rexOnB, 'join-session', sessionId)).ok, true);
      const piaOnB = await openSocket(b.url, pia!.token);
      assert.equal((await request(piaOnB, 'join-session', sessionId)).role, 'player');

      assert.equal((await request(host, RoleClientEvent.removeMember, { userId: rex!.user.id })).ok, true);
      const rexAgain = await openSocket(b.url, rex!.token);
      assert.equal((await request(rexAgain, 'join-session', sessionId)).error?.code, 'forbidden', 'node B reads the removal');

      assert.equal((await request(host, RoleClientEvent.setRole, { userId: pia!.user.id, role: 'game-master' })).ok, true);
      // node B learns it from the store: on the next join, and before any role or game master event
      const piaTab = await openSocket(b.url, pia!.token);
      const document = nextEvent<GmDocument>(piaTab, RoleServerEvent.gmDocument);
      assert.equal((await request(piaTab, 'join-session', sessionId)).role, 'game-master');
      assert.equal((await document).revision, 0);
      const fromB = { op: 'put-note', note: { id: 'n1', text: 'from node B' } };
      const fromA = { op: 'put-note', note: { id: 'n2', text: 'from node A' } };
      assert.deepEqual(await request(piaOnB, RoleClientEvent.changeGmDocument, { changes: [fromB] }), { ok: true, revision: 1 });
      assert.deepEqual(await request(host, RoleClientEvent.changeGmDocument, { changes: [fromA] }), { ok: true, revision: 2 }, 'node A changes the revision node B stored');
      const whole = await request(host, RoleClientEvent.getGmDocument, {});
      assert.deepEqual(whole.document, { revision: 2, notes: [fromB.note, fromA.note], marks: [] }, 'both changes kept');
      for (const socket of [host, rexOnB, rexAgain, piaOnB, piaTab]) socket.disconnect();
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

/**
 * Two nodes of one PostgreSQL and no fan-out between them: Hana hosts a table on node A and
 * makes Pia a game master, who joins on node B; `run` gets both sockets.
 */
async function withGmsOnTwoNodes(run: (host: Socket, piaOnB: Socket) => Promise<void>): Promise<void> {
  const env = { STORAGE: 'postgres', DATABASE_URL: await testDatabase(), SESSION_SECRET: 'one-secret-that-both-nodes-of-this-test-share' };
  const a = await startTestServer(env);
  const b = await startTestServer(env);
  try {
    const [hana, pia] = await Promise.all(['Hana', 'Pia'].map((name) => guest(a.url, name)));
    const host = await openSocket(a.url, hana!.token);
    const { sessionId } = await request(host, 'create-session');
    await request(host, 'join-session', sessionId);
    assert.equal((await request(host, RoleClientEvent.setRole, { userId: pia!.user.id, role: 'game-master' })).ok, true);
    const piaOnB = await openSocket(b.url, pia!.token);
    assert.equal((await request(piaOnB, 'join-session', sessionId)).role, 'game-master');
    await run(host, piaOnB);
    for (const socket of [host, piaOnB]) socket.disconnect();
  } finally {
    await a.stop();
    await b.stop();
  }
}

describe('game master edits racing on two nodes of one PostgreSQL', () => {
  it('R11: two game masters on two nodes change the document at the same moment, many rounds: each change gets its own revision, none is lost', async () => {
    await withGmsOnTwoNodes(async (host, piaOnB) => {
      const rounds = 8;
      const revisions: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const acks = await Promise.all([
          request(host, RoleClientEvent.changeGmDocument, { changes: [{ op: 'put-note', note: { id: `a${round}`, text: `node A, round ${round}` } }] }),
          request(piaOnB, RoleClientEvent.changeGmDocument, { changes: [{ op: 'put-note', note: { id: `b${round}`, text: `node B, round ${round}` } }] }),
        ]);
        for (const ack of acks) assert.equal(ack.ok, true, JSON.stringify(ack));
        revisions.push(...acks.map((ack) => ack.revision as number));
      }
      assert.deepEqual(revisions.sort((x, y) => x - y), Array.from({ length: 2 * rounds }, (_, i) => i + 1), 'one revision each, none taken twice');
      const whole = await request(host, RoleClientEvent.getGmDocument, {});
      assert.equal(whole.document.revision, 2 * rounds);
      const ids = (whole.document as GmDocument).notes.map((note) => note.id).sort();
      assert.deepEqual(ids, Array.from({ length: rounds }, (_, i) => [`a${i}`, `b${i}`]).flat().sort(), 'every note of both nodes kept');
    });
  });
});

/** A note typed in by two game masters from one base: each inserts a word of their own in its own place. */
const BASE_TEXT = 'The door opens onto the crypt';
const typedAt = (word: string, after: string) => BASE_TEXT.replace(after, `${after} ${word}`);
const putFromBase = (text: string, base: string) => ({ changes: [{ op: 'put-note', note: { id: 'shared', text }, base }] });

describe('game master typing in one note on two nodes of one PostgreSQL', () => {
  it('R13: two game masters on two nodes put the same note from the same base at once, many rounds: the node that loses the race merges on the stored text, no word is lost', async () => {
    await withGmsOnTwoNodes(async (host, piaOnB) => {
      assert.equal((await request(host, RoleClientEvent.changeGmDocument, { changes: [{ op: 'put-note', note: { id: 'shared', text: BASE_TEXT } }] })).ok, true);
      const words: string[] = [];
      let base = BASE_TEXT;
      for (let round = 0; round < 6; round++) {
        // no fan-out between these nodes: each types from the text it last saw, the other node's revision unknown to it
        const [fromA, fromB] = [`alpha${round}`, `beta${round}`];
        words.push(fromA, fromB);
        const acks = await Promise.all([
          request(host, RoleClientEvent.changeGmDocument, putFromBase(base.replace('door', `door ${fromA}`), base)),
          request(piaOnB, RoleClientEvent.changeGmDocument, putFromBase(base.replace('crypt', `crypt ${fromB}`), base)),
        ]);
        for (const ack of acks) assert.equal(ack.ok, true, JSON.stringify(ack));
        base = ((await request(host, RoleClientEvent.getGmDocument, {})).document as GmDocument).notes[0]!.text;
        for (const word of words) assert.ok(base.includes(word), `round ${round}: "${word}" kept in "${base}"`);
      }
      const whole = (await request(piaOnB, RoleClientEvent.getGmDocument, {})).document as GmDocument;
      assert.equal(whole.revision, 13, 'one revision per put');
      assert.equal(whole.notes[0]!.text, base, 'both nodes read the same text');
    });
  });
});

describe('roles across three nodes of a cluster (PostgreSQL + Redis fan-out)', () => {
  it('R14: two game masters on two nodes type in one note at once: both words kept, and both sockets reach the same text and revision through the changes they receive', async (t) => {
    const [a, b] = nodes as [ServerProcess, ServerProcess];
    const hana = await player(a.url, 'Hana');
    const gus = await player(b.url, 'Gus');
    t.after(() => closeAll([hana, gus]));
    const { sessionId } = await request(hana.socket, 'create-session');
    for (const someone of [hana, gus]) await join(someone, sessionId);
    const gusDocument = nextEvent<GmDocument>(gus.socket, RoleServerEvent.gmDocument, 15_000);
    assert.equal((await request(hana.socket, RoleClientEvent.setRole, { userId: gus.user.id, role: 'game-master' })).ok, true);
    await gusDocument;
    const views = [hana, gus].map((someone) => followDocument(someone.socket));
    assert.equal((await request(hana.socket, RoleClientEvent.changeGmDocument, { changes: [{ op: 'put-note', note: { id: 'shared', text: BASE_TEXT } }] })).ok, true);
    await eventually(() => views.every((view) => view.document.revision === 1), 15_000, 'the note on both nodes');
    const acks = await Promise.all([
      request(hana.socket, RoleClientEvent.changeGmDocument, putFromBase(typedAt('creaking', 'door'), BASE_TEXT)),
      request(gus.socket, RoleClientEvent.changeGmDocument, putFromBase(typedAt('below', 'crypt'), BASE_TEXT)),
    ]);
    for (const ack of acks) assert.equal(ack.ok, true, JSON.stringify(ack));
    await eventually(() => views.every((view) => view.document.revision === 3), 15_000, 'both edits on both nodes');
    const texts = views.map((view) => view.document.notes[0]!.text);
    assert.equal(texts[0], 'The door creaking opens onto the crypt below', 'both words kept');
    assert.equal(texts[1], texts[0], 'both sockets reach the same text');
    assert.ok(views.every((view) => view.changes > 0), 'edits arrive as changes, not the document whole');
  });

  it('R8: role changes and game master edits made on node A reach the sockets of node B at once; a player there never gets the document', async (t) => {
    const [a, b] = nodes as [ServerProcess, ServerProcess];
    const hana = await player(a.url, 'Hana');
    const [gus, pia, rex] = await Promise.all(['Gus', 'Pia', 'Rex'].map((name) => player(b.url, name)));
    t.after(() => closeAll([hana, gus!, pia!, rex!]));
    const { sessionId } = await request(hana.socket, 'create-session');
    for (const someone of [hana, gus!, pia!, rex!]) await join(someone, sessionId);
    const piaDocuments = collect<GmDocument>(pia!.socket, RoleServerEvent.gmDocument);

    // appointed on node A: node B seats Gus with the game masters and hands him the document
    const gusDocument = nextEvent<GmDocument>(gus!.socket, RoleServerEvent.gmDocument, 15_000);
    const gusRoles = nextEvent<TableRoles>(gus!.socket, RoleServerEvent.roles, 15_000);
    assert.equal((await request(hana.socket, RoleClientEvent.setRole, { userId: gus!.user.id, role: 'game-master' })).ok, true);
    assert.deepEqual((await gusRoles).gameMasters, [gus!.user.id]);
    assert.equal((await gusDocument).revision, 0);

    // an edit on node A reaches the game master on node B live, as its changes (not the document whole)
    const edited = nextEvent<GmDocumentChanged>(gus!.socket, RoleServerEvent.gmDocumentChanged, 15_000);
    const notes = [{ id: 'n1', text: 'the butler did it' }];
    const changes = notes.map((note) => ({ op: 'put-note', note }));
    assert.deepEqual(await request(hana.socket, RoleClientEvent.changeGmDocument, { changes }), { ok: true, revision: 1 });
    assert.deepEqual(await edited, { revision: 1, changes });

    // removed on node A: Rex's socket on node B is off the table at once
    const removed = nextEvent(rex!.socket, RoleServerEvent.removed, 15_000);
    assert.equal((await request(hana.socket, RoleClientEvent.removeMember, { userId: rex!.user.id })).ok, true);
    assert.deepEqual(await removed, { sessionId });
    const after = await request(rex!.socket, 'update-game-state', { updates: { hp: 1 }, baseVersion: 0 });
    assert.equal(after.error?.code, 'not-in-session');

    // Pia on node B, a player all along, got no document at any time
    assert.deepEqual(piaDocuments, []);
    // the host hands the table to Pia, who is on node B only: node A knows she is at the table
    const piaDocument = nextEvent<GmDocument>(pia!.socket, RoleServerEvent.gmDocument, 15_000);
    assert.deepEqual(await request(hana.socket, RoleClientEvent.transferHost, { userId: pia!.user.id }), { ok: true });
    assert.equal((await piaDocument).revision, 1, 'the new host on node B gets the document as stored');
  });

  it('R9: a host at the table on one node keeps it on every node; once away, the table is claimable through a node that loaded it later', async (t) => {
    const [a, b, c] = nodes as [ServerProcess, ServerProcess, ServerProcess];
    const hana = await player(a.url, 'Hana');
    const pia = await player(b.url, 'Pia');
    t.after(() => closeAll([hana, pia]));
    const { sessionId } = await request(hana.socket, 'create-session');
    await join(hana, sessionId);
    const piaSees = collect<{ members: Array<{ name: string }> }>(pia.socket, PRESENCE_EVENT);
    await join(pia, sessionId);
    await eventually(() => piaSees.at(-1)?.members.length === 2, 15_000, 'node B sees the host on node A');

    // long enough after node B loaded the table: only the host's socket on node A keeps it
    await pause(CLAIM_SECONDS * 1000 + 500);
    const present = await request(pia.socket, RoleClientEvent.claimTable, {});
    assert.equal(present.error?.code, 'forbidden', 'the host is at the table, through node A');

    hana.socket.disconnect();
    await eventually(() => piaSees.at(-1)?.members.length === 1, 15_000, 'node B sees the host leave');
    await pause(CLAIM_SECONDS * 1000 + 500);
    // node C loads the table only now: it counts from when node A saw the host leave, not from its load
    const quinn = await player(c.url, 'Quinn');
    t.after(() => closeAll([quinn]));
    await join(quinn, sessionId);
    const piaRoles = nextEvent<TableRoles>(pia.socket, RoleServerEvent.roles, 15_000);
    const claimed = await request(quinn.socket, RoleClientEvent.claimTable, {});
    assert.deepEqual(claimed, { ok: true });
    assert.equal((await piaRoles).hostId, quinn.user.id, 'node B seats its sockets by the claim made on node C');
  });

  it('R10: a device link code issued through node A is redeemed through node B, once only', async () => {
    const [a, b, c] = nodes as [ServerProcess, ServerProcess, ServerProcess];
    const pia = await guest(a.url, 'Pia');
    const post = (node: ServerProcess, path: string, body: unknown, token?: string) =>
      fetch(`${node.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const issued = await post(a, '/api/auth/link-code', {}, pia.token);
    assert.equal(issued.status, 200);
    const { code } = (await issued.json()) as { code: string };

    const linked = await post(b, '/api/auth/link', { code: code.toLowerCase() });
    assert.equal(linked.status, 200);
    assert.deepEqual(((await linked.json()) as { user: unknown }).user, pia.user);
    for (const node of [a, b, c]) assert.equal((await post(node, '/api/auth/link', { code })).status, 404, 'a code is used once, on any node');

    // a new code replaces the last one on every node
    const first = ((await (await post(a, '/api/auth/link-code', {}, pia.token)).json()) as { code: string }).code;
    const second = ((await (await post(c, '/api/auth/link-code', {}, pia.token)).json()) as { code: string }).code;
    assert.equal((await post(b, '/api/auth/link', { code: first })).status, 404);
    assert.equal((await post(b, '/api/auth/link', { code: second })).status, 200);
  });
});
