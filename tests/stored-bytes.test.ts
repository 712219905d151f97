import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeBinary } from '../shared/binary-codec';
import { request, startTestServer } from './support/harness';
import { closeAll, join, tableOf, type Player } from './support/table';

const text = (bytes: number) => 'x'.repeat(bytes);

function setState(someone: Player, key: string, bytes: number) {
  return request(someone.socket, 'update-game-state', { updates: { [key]: text(bytes) } });
}

function setLayers(someone: Player, pageNum: number, bytes: number) {
  return request(someone.socket, 'update-layers', encodeBinary({ pdfId: 'book', pageNum, layers: { note: text(bytes) } }));
}

describe('stored bytes per table and per user', () => {
  it('Q1: a table (state and layers together) stays under MAX_TABLE_BYTES; shrinking is always allowed', async (t) => {
    const server = await startTestServer({ MAX_TABLE_BYTES: '20000' });
    t.after(() => server.stop());
    const { players } = await tableOf(server.url, 'host', 'p1');
    const [host, p1] = players as [Player, Player];
    assert.ok((await setState(host, 'notes', 12_000)).ok);
    const layers = await setLayers(p1, 1, 9000);
    assert.equal(layers.error?.code, 'too-large', JSON.stringify(layers));
    assert.ok((await setLayers(p1, 1, 5000)).ok);
    assert.equal((await setState(p1, 'notes', 16_000)).error?.code, 'too-large');
    assert.ok((await setState(host, 'notes', 100)).ok);
    assert.ok((await setLayers(p1, 1, 9000)).ok, 'room again once the state shrank');
    closeAll(players);
  });

  it("Q2: the tables a user created stay under MAX_USER_BYTES together, whoever writes to them; others' tables do not count", async (t) => {
    const server = await startTestServer({ MAX_TABLE_BYTES: '20000', MAX_USER_BYTES: '30000' });
    t.after(() => server.stop());
    const { players } = await tableOf(server.url, 'host', 'p1');
    const [host, p1] = players as [Player, Player];
    assert.ok((await setState(host, 'notes', 15_000)).ok);
    const second = await request(host.socket, 'create-session');
    await join(host, second.sessionId);
    await join(p1, second.sessionId);
    assert.ok((await setLayers(host, 1, 10_000)).ok);
    // p1 writes to the host's table: it is the host's bytes that grow
    const over = await setState(p1, 'notes', 6000);
    assert.equal(over.error?.code, 'too-large', JSON.stringify(over));
    const own = await tableOf(server.url, 'other');
    assert.ok((await setState(own.players[0] as Player, 'notes', 15_000)).ok, "another user's table is not the host's");
    assert.ok((await setLayers(host, 1, 10)).ok);
    assert.ok((await setState(p1, 'notes', 6000)).ok, 'room again once one of the tables shrank');
    closeAll([...players, ...own.players]);
  });
});
