import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { canonicalJson } from '../shared/canonical-json';
import { crc32Utf8 } from '../shared/crc32';
import type { PdfData } from '../shared/layers-protocol';
import { syncClient, syncPair, type TestClient } from './support/clients';
import { eventually, request } from './support/harness';
import { testDatabase } from './support/postgres';
import { freePort, startServerProcess, type ServerProcess } from './support/server-process';
import { samplePdf } from './support/sample-pdf';
import { closeAll, join, player, tableOf, uploadPdf, type Player } from './support/table';
import { tempDir } from './support/temp-dir';

const SECRET = 'one-secret-that-every-node-of-the-cluster-shares';

/** `npm start` on STORAGE=postgres, with a DATA_DIR of its own that it must leave empty. */
async function postgresNode(databaseUrl: string, port?: number): Promise<ServerProcess & { dataDir: string }> {
  const dataDir = await tempDir('gamebook-pg-node-');
  const node = await startServerProcess({
    PORT: String(port ?? (await freePort())),
    DATA_DIR: dataDir,
    STORAGE: 'postgres',
    DATABASE_URL: databaseUrl,
    SESSION_SECRET: SECRET,
  });
  return { ...node, dataDir };
}

/** The notes b has written after `count` edits. */
function notes(count: number): Array<{ id: string; text: string }> {
  return Array.from({ length: count }, (_, i) => ({ id: `n${i + 1}`, text: `note ${i + 1}` }));
}

function settled(clients: TestClient[], version: number) {
  return () => clients.every(({ client }) => client.status === 'connected' && client.version === version && client.pendingEdits === 0);
}

async function readRange(url: string, token: string, range: string): Promise<Response> {
  return fetch(url, { headers: { authorization: `Bearer ${token}`, range } });
}

describe('the real server on STORAGE=postgres', () => {
  it('G1: two clients edit a table, the server restarts on the same database (and an empty DATA_DIR), they resume and every CRC matches', async (t) => {
    const databaseUrl = await testDatabase();
    const port = await freePort();
    let server = await postgresNode(databaseUrl, port);
    const { sessionId, a, b } = await syncPair(t, server.url);
    for (let i = 1; i <= 5; i++) {
      a.client.update({ counters: [{ id: 'hp', value: i }] });
      b.client.update({ notes: notes(i) });
      await eventually(settled([a, b], 2 * i), 5000, `both at ${2 * i}`);
    }

    server.child.kill('SIGKILL');
    await server.exited;
    await eventually(() => a.client.status === 'offline' && b.client.status === 'offline', 5000, 'both offline');
    a.client.update({ counters: [{ id: 'hp', value: 99 }] });
    server = await postgresNode(databaseUrl, port);

    await eventually(settled([a, b], 11), 15_000, 'both back on the restarted node, caught up, the offline edit confirmed');
    b.client.update({ notes: [...notes(5), { id: 'after', text: 'after the restart' }] });
    await eventually(settled([a, b], 12), 5000, 'an edit after the restart reaches both');
    const late = await syncClient(server.url, 'late');
    t.after(() => late.client.close());
    await late.client.join(sessionId);
    await eventually(settled([late], 12), 5000, 'a late joiner loads the table from the database');
    const expected = {
      counters: [{ id: 'hp', value: 99 }],
      notes: [...notes(5), { id: 'after', text: 'after the restart' }],
    };
    for (const { client } of [a, b, late]) {
      assert.deepEqual(client.state, expected);
      assert.equal(client.confirmedCrc, crc32Utf8(canonicalJson(expected)));
    }
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
    assert.deepEqual(await readdir(server.dataDir), [], 'the node kept nothing on disk');
  });

  it('G2: a PDF uploaded through one node is read whole and in ranges through another node and after a restart, from the database', async (t) => {
    const databaseUrl = await testDatabase();
    const [first, second] = [await postgresNode(databaseUrl), await postgresNode(databaseUrl)];
    const { sessionId, players } = await tableOf(first.url, 'host');
    const host = players[0] as Player;
    // 1.5 MB: six rows of 256 KiB
    const book = await samplePdf(2, 1_500_000);
    const uploaded = await uploadPdf(first.url, sessionId, host.token, book);
    assert.equal(uploaded.status, 201);
    const pdf = (await uploaded.json()) as PdfData;
    assert.equal(pdf.sha256, createHash('sha256').update(book).digest('hex'));

    // a player of the table on the other node: it loads the table, and the bytes, from PostgreSQL
    const reader = await player(second.url, 'reader');
    t.after(() => closeAll([host, reader]));
    await join(reader, sessionId);
    const whole = await fetch(`${second.url}${pdf.url}`, { headers: { authorization: `Bearer ${reader.token}` } });
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), book);
    const across = await readRange(`${second.url}${pdf.url}`, reader.token, 'bytes=262000-786999');
    assert.equal(across.status, 206);
    assert.equal(across.headers.get('content-range'), `bytes 262000-786999/${book.length}`);
    assert.deepEqual(Buffer.from(await across.arrayBuffer()), book.subarray(262_000, 787_000));
    const tail = await readRange(`${second.url}${pdf.url}`, reader.token, 'bytes=-100');
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), book.subarray(book.length - 100));
    assert.equal((await readRange(`${second.url}${pdf.url}`, reader.token, `bytes=${book.length}-`)).status, 416);

    for (const node of [first, second]) node.child.kill('SIGTERM');
    await Promise.all([first.exited, second.exited]);
    const restarted = await postgresNode(databaseUrl);
    // membership lives in a node's memory: the reader joins again through the restarted node
    const back = await player(restarted.url, 'reader again');
    t.after(() => closeAll([back]));
    await join(back, sessionId);
    const again = await readRange(`${restarted.url}${pdf.url}`, back.token, 'bytes=0-1023');
    assert.equal(again.status, 206);
    assert.deepEqual(Buffer.from(await again.arrayBuffer()), book.subarray(0, 1024));
    restarted.child.kill('SIGTERM');
    assert.equal(await restarted.exited, 0);
    for (const node of [first, second, restarted]) assert.deepEqual(await readdir(node.dataDir), [], 'no PDF file on any node');
  });
  it('G6: two nodes race on one table: the node that lost the append reads what it missed, merges again and acknowledges once', async (t) => {
    const databaseUrl = await testDatabase();
    const [first, second] = [await postgresNode(databaseUrl), await postgresNode(databaseUrl)];
    t.after(() => {
      for (const node of [first, second]) node.child.kill('SIGTERM');
    });
    const { sessionId, players } = await tableOf(first.url, 'x');
    const x = players[0] as Player;
    const y = await player(second.url, 'y');
    t.after(() => closeAll([x, y]));
    await join(y, sessionId);
    // both nodes hold the table at version 0; each takes an update made from it
    assert.deepEqual(await request(x.socket, 'update-game-state', { updates: { hp: 1 }, baseVersion: 0, updateId: 'x-1' }), { ok: true, version: 1 });
    const raced = { updates: { notes: [{ id: 'n1', text: 'from y' }] }, baseVersion: 0, updateId: 'y-1' };
    assert.deepEqual(await request(y.socket, 'update-game-state', raced), { ok: true, version: 2 }, 'one ack, after version 1 of the other node');
    assert.deepEqual(await request(y.socket, 'update-game-state', raced), { ok: true, version: 2 }, 'a resend is not applied again');

    const third = await postgresNode(databaseUrl);
    t.after(() => third.child.kill('SIGTERM'));
    const late = await player(third.url, 'late');
    t.after(() => closeAll([late]));
    const full = await join(late, sessionId);
    const expected = { hp: 1, notes: [{ id: 'n1', text: 'from y' }] };
    assert.equal(full.version, 2, 'one linear history');
    assert.deepEqual(full.state, expected);
    assert.equal(full.crc, crc32Utf8(canonicalJson(expected)));
  });
});
