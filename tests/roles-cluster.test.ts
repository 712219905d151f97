import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RoleClientEvent, RoleServerEvent, type GmDocument } from '../shared/roles-protocol';
import { guest, nextEvent, openSocket, request, startTestServer } from './support/harness';
import { testDatabase } from './support/postgres';

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
