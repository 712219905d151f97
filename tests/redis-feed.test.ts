import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClient } from 'redis';
import { RedisFeed } from '../server/cluster/redis-feed';
import { createLogger } from '../server/logger';
import { noMetrics } from '../server/metrics/metrics';
import type { TableChange } from '../server/sessions/session-channel';
import { eventually } from './support/harness';
import { ownRedis } from './support/own-redis';

/** A feed of node `node` on `url`, with what it heard and how many times it came back. */
async function feedOn(url: string, node: string) {
  const heard: Array<{ sessionId: string; change: TableChange }> = [];
  const counts = { backs: 0 };
  const feed = new RedisFeed(url, 'feed-test:', node, { received: (sessionId, change) => heard.push({ sessionId, change }), back: () => counts.backs++ }, createLogger('silent'), noMetrics);
  await feed.connect();
  return { feed, heard, counts };
}

describe('the fan-out feed, on a Redis of its own', () => {
  it('RF1: Redis drops the subscriber alone (as it does past its output-buffer limit): the feed goes down, comes back once, tells its node to read its tables again, and hears the table again', async () => {
    const redis = await ownRedis();
    const one = await feedOn(redis.url, 'one');
    const two = await feedOn(redis.url, 'two');
    const admin = createClient({ url: redis.url });
    await admin.connect();
    // closed in the test, not after it: ownRedis's own after-hook stops Redis first, and the
    // admin client, still connected then, would fail the test with its lost connection
    try {
      await Promise.all([one.feed.subscribe('table-1'), two.feed.subscribe('table-1')]);
      one.feed.publish('table-1', { kind: 'presence' });
      await eventually(() => two.heard.length === 1, 5_000, 'node two hears node one');

      // the subscriber connections only: each node's commands connection stays up
      assert.equal(await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']), 2);
      await eventually(() => two.counts.backs === 1 && two.feed.state === 'up', 5_000, 'node two back, told once');
      assert.equal(one.counts.backs, 1, 'node one lost its subscriber too, and came back once');

      one.feed.publish('table-1', { kind: 'roles' });
      await eventually(() => two.heard.length === 2, 5_000, 'node two hears the table again');
      assert.deepEqual(two.heard[1], { sessionId: 'table-1', change: { kind: 'roles' } });
      assert.equal(one.heard.length, 0, 'a node hears nothing of its own messages');
    } finally {
      await Promise.all([one.feed.close(), two.feed.close(), admin.close()]);
    }
  });
});
