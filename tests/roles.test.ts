import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { encodeBinary } from '../shared/binary-codec';
import type { GmDocumentChanged } from '../shared/gm-changes';
import { RoleClientEvent, RoleServerEvent, type GmDocument, type TableRoles } from '../shared/roles-protocol';
import { eventually, guest, nextEvent, openSocket, request, startTestServer, type TestServer } from './support/harness';
import { recordFrames } from './support/raw-frames';
import { minimalPdf, uploadPdf } from './support/table';

interface Person {
  id: string;
  token: string;
  socket: Socket;
  frames: { text(): string };
  /** The last table-roles and gm-document this socket received, and every gm-document-changed. */
  seen: { roles?: TableRoles; gm?: GmDocument; changed: GmDocumentChanged[]; removed: number };
}

const SECRET_NOTE = 'the-innkeeper-is-the-vampire-7f3a';
const SECRET_MARK = 'trapdoor-under-the-rug-91c2';

describe('roles and game master tools over real sockets', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ UPDATES_PER_SECOND: '1000', UPDATES_BURST: '1000' });
  });
  after(() => server.stop());

  async function connect(identity: { token: string; user: { id: string } }): Promise<Person> {
    const socket = await openSocket(server.url, identity.token);
    const seen: Person['seen'] = { changed: [], removed: 0 };
    socket.on(RoleServerEvent.roles, (roles: TableRoles) => (seen.roles = roles));
    socket.on(RoleServerEvent.gmDocument, (gm: GmDocument) => (seen.gm = gm));
    socket.on(RoleServerEvent.gmDocumentChanged, (changed: GmDocumentChanged) => seen.changed.push(changed));
    socket.on(RoleServerEvent.removed, () => seen.removed++);
    return { id: identity.user.id, token: identity.token, socket, frames: recordFrames(socket), seen };
  }

  async function person(name: string): Promise<Person> {
    return connect(await guest(server.url, name));
  }

  async function joined(someone: Person, sessionId: string) {
    const ack = await request(someone.socket, 'join-session', sessionId);
    assert.equal(ack.ok, true, JSON.stringify(ack));
    await eventually(() => someone.seen.roles !== undefined, 5000, 'the roles after a join');
    return ack as { role: string };
  }

  async function table(...names: string[]): Promise<{ sessionId: string; people: Person[] }> {
    const people = await Promise.all(names.map(person));
    const { sessionId } = await request(people[0]!.socket, 'create-session');
    for (const someone of people) await joined(someone, sessionId);
    return { sessionId, people };
  }

  const close = (people: Person[]) => people.forEach((someone) => someone.socket.disconnect());
  const refusal = async (socket: Socket, event: string, payload: unknown) => {
    const ack = await request(socket, event, payload);
    assert.equal(ack.ok, false, `${event} should be refused: ${JSON.stringify(ack)}`);
    return ack.error.code as string;
  };

  it('R1: the host hands the table over; the new host runs it, the old one stays a game master, nobody else may', async () => {
    const { sessionId, people } = await table('Hana', 'Pia', 'Quinn');
    const [host, pia, quinn] = people as [Person, Person, Person];
    assert.equal(await refusal(quinn.socket, RoleClientEvent.transferHost, { userId: quinn.id }), 'not-host');
    assert.equal(await refusal(host.socket, RoleClientEvent.transferHost, { userId: 'guest:nobody-here' }), 'forbidden');
    assert.equal((await request(host.socket, RoleClientEvent.transferHost, { userId: pia.id })).ok, true);
    for (const someone of people) await eventually(() => someone.seen.roles?.hostId === pia.id, 5000, 'the new host');
    assert.deepEqual(quinn.seen.roles, { hostId: pia.id, gameMasters: [host.id], removed: [] });
    assert.equal(await refusal(host.socket, RoleClientEvent.transferHost, { userId: quinn.id }), 'not-host', 'the old host no longer hands it over');
    // a new socket of the new host joins as host
    const again = await connect({ token: pia.token, user: { id: pia.id } });
    assert.equal((await joined(again, sessionId)).role, 'host');
    close([...people, again]);
  });

  it('R2: a co-host (game master) gets the private document and may remove players, not the host; only the host appoints', async () => {
    const { people } = await table('Hana', 'Gil', 'Quinn');
    const [host, gil, quinn] = people as [Person, Person, Person];
    assert.equal(gil.seen.gm, undefined, 'a player is not sent the document');
    assert.equal(await refusal(gil.socket, RoleClientEvent.setRole, { userId: quinn.id, role: 'game-master' }), 'not-host');
    assert.equal((await request(host.socket, RoleClientEvent.setRole, { userId: gil.id, role: 'game-master' })).ok, true);
    await eventually(() => gil.seen.gm !== undefined, 5000, 'the document for the new game master');
    assert.deepEqual(gil.seen.gm, { revision: 0, notes: [], marks: [] });
    assert.equal(await refusal(gil.socket, RoleClientEvent.removeMember, { userId: host.id }), 'forbidden');
    assert.equal(await refusal(gil.socket, RoleClientEvent.setRole, { userId: quinn.id, role: 'game-master' }), 'not-host');
    assert.equal((await request(gil.socket, RoleClientEvent.removeMember, { userId: quinn.id })).ok, true);
    await eventually(() => quinn.seen.removed === 1, 5000, 'the removal notice');
    close(people);
  });

  it('R8: game masters add and remove books as the host does; a player, or a game master made a player again, may not', async () => {
    const { sessionId, people } = await table('Hana', 'Gil', 'Quinn');
    const [host, gil, quinn] = people as [Person, Person, Person];
    const upload = (someone: Person, note: string) => uploadPdf(server.url, sessionId, someone.token, minimalPdf(note), `${note}.pdf`);
    const remove = (someone: Person, pdfId: string) =>
      fetch(`${server.url}/api/sessions/${sessionId}/pdfs/${pdfId}`, { method: 'DELETE', headers: { authorization: `Bearer ${someone.token}` } });
    const codeOf = async (answer: Response) => ((await answer.json()) as { error: { code: string } }).error.code;
    const books = async () => (await server.registry.get(sessionId)).table.snapshot().pdfs.map((pdf) => pdf.name);

    assert.equal(await codeOf(await upload(gil, 'R8 early')), 'not-host', 'a player adds no book');
    assert.equal((await request(host.socket, RoleClientEvent.setRole, { userId: gil.id, role: 'game-master' })).ok, true);
    const added = await upload(gil, 'R8 gm');
    assert.equal(added.status, 201);
    const book = (await added.json()) as { id: string };
    const hostBook = (await (await upload(host, 'R8 host')).json()) as { id: string };
    assert.deepEqual(await books(), ['R8 gm.pdf', 'R8 host.pdf']);

    assert.equal(await codeOf(await remove(quinn, book.id)), 'not-host', 'a player removes no book');
    assert.equal((await remove(gil, hostBook.id)).status, 204, "a game master removes the host's book too");
    assert.deepEqual(await books(), ['R8 gm.pdf']);
    assert.equal((await request(host.socket, RoleClientEvent.setRole, { userId: gil.id, role: 'player' })).ok, true);
    assert.equal(await codeOf(await remove(gil, book.id)), 'not-host', 'a game master made a player again no longer may');
    assert.equal(await codeOf(await upload(gil, 'R8 late')), 'not-host');
    assert.deepEqual(await books(), ['R8 gm.pdf']);
    close(people);
  });

  it('R3: a removed member is refused on join and on every event, and all their sockets leave the table', async () => {
    const { sessionId, people } = await table('Hana', 'Rex', 'Pia');
    const [host, rex, pia] = people as [Person, Person, Person];
    const rexTab = await connect({ token: rex.token, user: { id: rex.id } });
    await joined(rexTab, sessionId);
    assert.equal((await request(host.socket, RoleClientEvent.removeMember, { userId: rex.id })).ok, true);
    await eventually(() => rex.seen.removed === 1 && rexTab.seen.removed === 1, 5000, 'both sockets told');
    const pdfAnswer = await fetch(`${server.url}/api/sessions/${sessionId}/pdfs/some-book`, { headers: { authorization: `Bearer ${rex.token}` } });
    assert.equal(((await pdfAnswer.json()) as { error: { code: string } }).error.code, 'not-in-session', "the table's PDFs are closed to them too");
    const versionBefore = (await server.registry.get(sessionId)).currentVersion;
    assert.equal(await refusal(rex.socket, 'update-game-state', { updates: { hp: 1 } }), 'not-in-session');
    assert.equal(await refusal(rexTab.socket, 'roll-dice', { expression: '1d6' }), 'not-in-session');
    assert.equal(await refusal(rex.socket, 'navigate-page', { pdfId: 'b', currentPage: 2, scale: 1 }), 'not-in-session');
    assert.equal(await refusal(rex.socket, 'join-session', sessionId), 'forbidden');
    const fresh = await connect({ token: rex.token, user: { id: rex.id } });
    assert.equal(await refusal(fresh.socket, 'join-session', { sessionId, fromVersion: 0 }), 'forbidden');
    assert.equal((await server.registry.get(sessionId)).currentVersion, versionBefore, 'nothing changed');
    // the table goes on without them: they get none of it
    const rexFrames = rex.frames.text().length;
    const delta = nextEvent(pia.socket, 'game-state-delta');
    assert.equal((await request(host.socket, 'update-game-state', { updates: { after: 'removal-marker-55' } })).ok, true);
    await delta;
    assert.equal(rex.frames.text().slice(rexFrames).includes('removal-marker-55'), false);
    assert.equal(await refusal(host.socket, RoleClientEvent.removeMember, { userId: host.id }), 'forbidden');
    close([...people, rexTab, fresh]);
  });

  it('R4: game master notes and hidden marks never reach a player: not in join, deltas, missing updates or table state', async () => {
    const { sessionId, people } = await table('Hana', 'Pia');
    const [host, pia] = people as [Person, Person];
    const gmEdit = {
      changes: [
        { op: 'put-note', note: { id: 'n1', text: SECRET_NOTE } },
        { op: 'put-mark', mark: { id: 'm1', pdfId: 'book', pageNum: 3, x: 0.5, y: 0.5, text: SECRET_MARK } },
      ],
    };
    assert.equal(await refusal(pia.socket, RoleClientEvent.changeGmDocument, gmEdit), 'forbidden');
    assert.equal(await refusal(pia.socket, RoleClientEvent.getGmDocument, {}), 'forbidden');
    const ack = await request(host.socket, RoleClientEvent.changeGmDocument, gmEdit);
    assert.deepEqual(ack, { ok: true, revision: 1 });
    await eventually(() => host.seen.changed.length === 1, 5000, 'the host sees its change');
    assert.deepEqual(host.seen.changed[0], { revision: 1, ...gmEdit });
    // typing on in a note sends that note: the mark is not sent again, and nothing conflicts
    const typed = { op: 'put-note', note: { id: 'n1', text: `${SECRET_NOTE} typed on` } };
    assert.deepEqual(await request(host.socket, RoleClientEvent.changeGmDocument, { changes: [typed] }), { ok: true, revision: 2 });
    await eventually(() => host.seen.changed.length === 2, 5000, 'the host sees the second change');
    assert.deepEqual(host.seen.changed[1], { revision: 2, changes: [typed] });
    assert.equal(host.frames.text().split(SECRET_MARK).length - 1, 1, 'the mark crossed the socket once');
    const whole = await request(host.socket, RoleClientEvent.getGmDocument, {});
    assert.deepEqual(whole.document, { revision: 2, notes: [typed.note], marks: [gmEdit.changes[1]!.mark] });
    // everything a player can ask for: edits, deltas, a rejoin with deltas and table state, a full state
    await request(host.socket, 'update-game-state', { updates: { hp: 3 } });
    await request(pia.socket, 'update-game-state', { updates: { mp: 4 } });
    // the page the hidden mark is on gets a drawing: its layers travel, the mark does not
    const drawn = await request(host.socket, 'update-layers', encodeBinary({ pdfId: 'book', pageNum: 3, layers: [{ id: 'stroke-visible-3b8e' }] }));
    assert.equal(drawn.ok, true, JSON.stringify(drawn));
    const resumed = await connect(await guest(server.url, 'Pia again'));
    await joined(resumed, sessionId);
    await request(resumed.socket, 'join-session', { sessionId, fromVersion: 1 });
    await request(resumed.socket, 'request-missing-updates', { fromVersion: 0 });
    await request(resumed.socket, 'request-missing-updates', { fromVersion: 0, full: true });
    await eventually(() => ['missing-updates', 'table-state'].every((event) => resumed.frames.text().includes(event)), 5000, 'the catch-up');
    for (const player of [pia, resumed]) {
      const received = player.frames.text();
      assert.ok(received.includes('full-game-state') && received.includes('"mp":'), 'the player did get the table');
      assert.ok(received.includes('stroke-visible-3b8e'), 'the player did get the layers of the page');
      assert.equal(received.includes(SECRET_NOTE), false, 'a note reached a player');
      assert.equal(received.includes(SECRET_MARK), false, 'a hidden mark reached a player');
      assert.equal(player.seen.gm, undefined);
    }
    assert.ok(host.frames.text().includes(SECRET_NOTE), 'the host did receive its note (the check can see it)');
    // promoted, a player gets it; made a player again, no later revision reaches them
    await request(host.socket, RoleClientEvent.setRole, { userId: pia.id, role: 'game-master' });
    await eventually(() => pia.seen.gm?.notes[0]?.text === typed.note.text, 5000, 'the document for the new game master');
    await request(host.socket, RoleClientEvent.setRole, { userId: pia.id, role: 'player' });
    await eventually(() => pia.seen.roles?.gameMasters.length === 0, 5000, 'made a player again');
    await request(host.socket, RoleClientEvent.changeGmDocument, { changes: [{ op: 'put-note', note: { id: 'n2', text: 'later-secret-4e1d' } }] });
    await request(host.socket, 'update-game-state', { updates: { hp: 9 } });
    await eventually(() => pia.frames.text().includes('"hp":'), 5000, 'a later delta');
    assert.equal(pia.frames.text().includes('later-secret-4e1d'), false);
    close([...people, resumed]);
  });

  it('R5: a player edits their own sheet only, game masters edit all; the turn order and hidden pages are the game masters\'', async () => {
    const { sessionId, people } = await table('Hana', 'Pia', 'Quinn');
    const [host, pia, quinn] = people as [Person, Person, Person];
    const sheet = (id: string, ownerId: string | undefined, gold: number) => ({ id, name: id, gold, ...(ownerId ? { ownerId } : {}) });
    const ok = async (socket: Socket, payload: object) => assert.equal((await request(socket, 'update-game-state', payload)).ok, true);
    await ok(pia.socket, { updates: { characters: [sheet('pia', pia.id, 1)] } });
    await ok(quinn.socket, { changes: [{ op: 'insert', path: ['characters'], value: sheet('quinn', quinn.id, 2) }] });
    const session = await server.registry.get(sessionId);
    const before = { version: session.currentVersion, characters: structuredClone(session.state.characters) };
    assert.equal(await refusal(quinn.socket, 'update-game-state', { updates: { characters: [sheet('pia', pia.id, 99), sheet('quinn', quinn.id, 2)] } }), 'forbidden');
    assert.equal(await refusal(quinn.socket, 'update-game-state', { changes: [{ op: 'set', path: ['characters', 'pia', 'gold'], value: 50 }] }), 'forbidden');
    assert.equal(await refusal(quinn.socket, 'update-game-state', { changes: [{ op: 'remove', path: ['characters', 'pia'] }] }), 'forbidden');
    assert.equal(await refusal(quinn.socket, 'update-game-state', { updates: { characters: [sheet('pia', pia.id, 1), sheet('quinn', quinn.id, 2), sheet('fake', pia.id, 0)] } }), 'forbidden', 'a sheet made for someone else');
    assert.equal(await refusal(quinn.socket, 'update-game-state', { changes: [{ op: 'set', path: ['characters', 'quinn', 'ownerId'], value: pia.id }] }), 'forbidden', 'giving a sheet away');
    assert.deepEqual({ version: session.currentVersion, characters: session.state.characters }, before, 'nothing changed');
    await ok(quinn.socket, { changes: [{ op: 'set', path: ['characters', 'quinn', 'gold'], value: 7 }] });
    await ok(host.socket, { changes: [{ op: 'set', path: ['characters', 'pia', 'gold'], value: 8 }] });
    // a sheet of an older client, with no owner, is everyone's
    await ok(host.socket, { changes: [{ op: 'insert', path: ['characters'], value: sheet('shared', undefined, 0) }] });
    await ok(quinn.socket, { changes: [{ op: 'set', path: ['characters', 'shared', 'gold'], value: 3 }] });
    assert.deepEqual((session.state.characters as Array<{ gold: number }>).map((c) => c.gold), [8, 7, 3]);

    const turns = { order: [{ id: pia.id, name: 'Pia' }, { id: quinn.id, name: 'Quinn' }], current: pia.id };
    assert.equal(await refusal(pia.socket, 'update-game-state', { updates: { turnOrder: turns } }), 'forbidden');
    assert.equal(await refusal(pia.socket, 'update-game-state', { updates: { hiddenPages: ['book:3'] } }), 'forbidden');
    const seenByQuinn = nextEvent(quinn.socket, 'game-state-delta');
    await ok(host.socket, { updates: { turnOrder: turns, hiddenPages: ['book:3'] } });
    assert.ok((await seenByQuinn).delta.turnOrder, 'every player sees the turn');
    await request(host.socket, RoleClientEvent.setRole, { userId: pia.id, role: 'game-master' });
    await ok(pia.socket, { changes: [{ op: 'set', path: ['turnOrder', 'current'], value: quinn.id }] });
    assert.equal((session.state.turnOrder as { current: string }).current, quinn.id);
    close(people);
  });
});

describe('a table whose host is away', () => {
  it('R6: can be claimed by a member once no host or game master has been there for TABLE_CLAIM_SECONDS, not before', async () => {
    const quick = await startTestServer({ TABLE_CLAIM_SECONDS: '0.05' });
    const slow = await startTestServer({ TABLE_CLAIM_SECONDS: '3600' });
    try {
      for (const [server, claimable] of [[quick, true], [slow, false]] as const) {
        const host = await openSocket(server.url, (await guest(server.url, 'Hana')).token);
        const pia = await guest(server.url, 'Pia');
        const piaSocket = await openSocket(server.url, pia.token);
        const { sessionId } = await request(host, 'create-session');
        await request(host, 'join-session', sessionId);
        await request(piaSocket, 'join-session', sessionId);
        const present = await request(piaSocket, RoleClientEvent.claimTable, {});
        assert.equal(present.error?.code, 'forbidden', 'the host is at the table');
        host.disconnect();
        await eventually(() => server.registry.loadedIds().has(sessionId), 5000);
        await new Promise((resolve) => setTimeout(resolve, 100));
        const claim = await request(piaSocket, RoleClientEvent.claimTable, {});
        assert.equal(claim.ok, claimable, JSON.stringify(claim));
        const session = await server.registry.get(sessionId);
        assert.equal(session.roleOf(pia.user.id), claimable ? 'host' : 'player');
        piaSocket.disconnect();
      }
    } finally {
      await quick.stop();
      await slow.stop();
    }
  });
});
