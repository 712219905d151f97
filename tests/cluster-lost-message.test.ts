import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syncClient } from './support/clients';
import { clusterNode, clusterSettings, silentNode } from './support/cluster';
import { eventually } from './support/harness';

describe('a change no message told of (STORAGE=postgres, REDIS_URL)', () => {
  it('F6: a version committed without its message reaching a node that holds the table: that node catches up while the table is idle, with no further change', async (t) => {
    const settings = await clusterSettings();
    const follower = await clusterNode(settings);
    // a writer on the same database that publishes nothing: every change of it is a message lost
    const silent = await silentNode(settings);
    const watcher = await syncClient(follower.url, 'watcher');
    const writer = await syncClient(silent.url, 'writer');
    t.after(() => [watcher, writer].forEach(({ client }) => client.close()));
    const { sessionId } = await watcher.socket.emitWithAck('create-session');
    await watcher.client.join(sessionId);
    await writer.client.join(sessionId);

    writer.client.update({ counters: [{ id: 'lost', value: 1 }] });
    await eventually(() => writer.client.version === 1 && writer.client.pendingEdits === 0, 30_000, 'the writer at version 1');
    // nothing else changes: the follower's node finds the log ahead of it by itself
    await eventually(() => watcher.client.version === 1, 30_000, 'the watcher at version 1').catch((error: Error) => {
      throw new Error(`${error.message} (at ${watcher.client.version}): ${follower.output()}`);
    });
    assert.equal(watcher.client.confirmedCrc, writer.client.confirmedCrc, 'one CRC on both nodes');
    assert.deepEqual(watcher.client.state, writer.client.state);
  });
});
