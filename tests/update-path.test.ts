import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GameStateDelta } from '../shared/protocol';
import { AppliedUpdates, originOf } from '../server/sessions/applied-updates';
import { DeltaHistory } from '../server/sessions/delta-history';
import { snapshotPhase } from '../server/sessions/snapshot-phase';
import { RateLimiter } from '../server/limits/rate-limiter';

const entry = (version: number): GameStateDelta => ({ delta: {}, version, fromVersion: version - 1, crc: version });

describe('the update path’s bookkeeping (issue 12, goal 3)', () => {
  it('UP1: the history gives the values at an older version, whether a delta changed one key or several', () => {
    const history = new DeltaHistory(100, 1 << 20);
    history.push(entry(1), new Map([['a', 1]]));
    history.push(entry(2), new Map([['b', 'x'], ['c', undefined]]));
    history.push(entry(3), new Map([['a', 2]]));
    const now = { a: 3, b: 'y', c: true, d: 0 } as Record<string, unknown>;
    const current = (key: string) => now[key] as never;
    const at0 = history.valuesAt(0, 3, current, ['a', 'b', 'c', 'd']);
    assert.deepEqual(at0 && Object.fromEntries(at0), { a: 1, b: 'x', c: undefined, d: 0 });
    const at2 = history.valuesAt(2, 3, current, ['a', 'b']);
    assert.deepEqual(at2 && Object.fromEntries(at2), { a: 2, b: 'y' });
    // a key removed before a delta (undefined) is told apart from one the delta did not touch
    const at1 = history.valuesAt(1, 3, current, ['c']);
    assert.deepEqual(at1 && [...at1], [['c', undefined]]);
  });

  it('UP1b: the history gives back each delta as broadcast, small or large, with its versions, CRC and update id, and drops the oldest past its count', () => {
    const history = new DeltaHistory(3, 1 << 20);
    const large = { notes: ['short', 'é'.repeat(400)] as [string, string] };
    const sent: GameStateDelta[] = [
      { delta: { tick: [1, 2] }, version: 8, fromVersion: 7, crc: 0xfffffffe, updateId: 'c1-8' },
      { delta: large, version: 9, fromVersion: 8, crc: 5 },
      { delta: { tick: [2, 3], __proto__odd: [1] }, version: 10, fromVersion: 9, crc: 0x80000000, updateId: 'c2-1' },
      { delta: { tick: [3] }, version: 11, fromVersion: 10, crc: 7, updateId: 'c1-9' },
    ];
    for (const delta of sent) history.push(delta);
    assert.equal(history.size, 3);
    assert.equal(history.since(7, 11), null, 'version 7 to 8 was dropped');
    assert.deepEqual(history.since(8, 11), sent.slice(1));
    assert.deepEqual(history.since(10, 11), sent.slice(3));
    assert.deepEqual(history.since(11, 11), []);
    assert.equal(history.crcAt(10), 0x80000000);
    assert.equal(history.crcAt(8), undefined);
  });

  it('UP1c: after thousands of deltas (its ring turned over, its byte chunks dropped and made again) the history gives back the last ones exactly, with the values before them', () => {
    const history = new DeltaHistory(700, 1 << 30);
    const sent: GameStateDelta[] = [];
    for (let version = 1; version <= 5000; version++) {
      // small and large deltas, unicode text, with and without update ids, changing one key or two
      const text = version % 7 === 0 ? '€😀'.repeat(version % 300) : `n${version}`;
      const a: [number, number] = [version - 1, version];
      const delta: GameStateDelta['delta'] = version % 5 === 0 ? { a, b: [text] } : { a };
      const sentEntry: GameStateDelta = { delta, version, fromVersion: version - 1, crc: (version * 2654435761) >>> 0 };
      if (version % 3 !== 0) sentEntry.updateId = `k${version % 4}-${version}🎲`;
      sent.push(sentEntry);
      const before = new Map<string, string | number>([['a', version - 1]]);
      if (version % 5 === 0) before.set('b', text);
      history.push(sentEntry, before);
    }
    assert.equal(history.size, 700);
    assert.equal(history.since(4299, 5000), null);
    assert.deepEqual(history.since(4300, 5000), sent.slice(4300));
    assert.equal(history.crcAt(4301), sent[4300]!.crc);
    const at = history.valuesAt(4300, 5000, () => 'now', ['a', 'b']);
    assert.deepEqual(at && Object.fromEntries(at), { a: 4300, b: '€😀'.repeat(4305 % 300) }, 'the first delta after version 4300 to change b (4305) kept what b held before it');
  });

  it('UP1e: a history of one-key deltas keeps a large or several-key delta that comes late, as it grows and turns over, and lets go of it once dropped', () => {
    const history = new DeltaHistory(40, 1 << 20);
    const sent: GameStateDelta[] = [];
    const push = (delta: GameStateDelta['delta'], before: Map<string, unknown>) => {
      const version = sent.length + 1;
      const sentEntry: GameStateDelta = { delta, version, fromVersion: version - 1, crc: version };
      sent.push(sentEntry);
      history.push(sentEntry, before as Map<string, never>);
    };
    // the counter's delta to version v + 1 finds it at v
    const pushCounter = () => push({ a: [sent.length, sent.length + 1] }, new Map([['a', sent.length]]));
    while (sent.length < 23) pushCounter();
    push({ notes: ['x'.repeat(300)] }, new Map([['notes', ['old']]]));
    push({ a: [23, 24], b: ['y'] }, new Map<string, unknown>([['a', 23], ['b', 'was']]));
    // the ring grows past 32 slots with them in it
    while (sent.length < 45) pushCounter();
    assert.deepEqual(history.since(22, 45), sent.slice(22), 'the large delta comes back whole among the small ones');
    const at = history.valuesAt(23, 45, () => 'now', ['notes', 'a', 'b']);
    assert.deepEqual(at && Object.fromEntries(at), { notes: ['old'], a: 23, b: 'was' });
    while (sent.length < 70) pushCounter();
    assert.equal(history.since(29, 70), null, 'the large and several-key deltas were dropped');
    assert.deepEqual(history.since(30, 70), sent.slice(30));
    // the delta from version 37 to 38 found a at 37
    const later = history.valuesAt(37, 70, () => 'now', ['a', 'b', 'notes']);
    assert.deepEqual(later && Object.fromEntries(later), { a: 37, b: 'now', notes: 'now' });
  });

  it('UP1d: tables loaded together are due for their first snapshot at versions spread over half the interval, each at least half an interval after its load', () => {
    const phases = Array.from({ length: 400 }, (_, i) => snapshotPhase(`table-${i}-${(i * 7919).toString(36)}`, 500));
    assert.ok(phases.every((phase) => phase >= 0 && phase < 250));
    const sameVersion = Math.max(...[...new Set(phases)].map((phase) => phases.filter((each) => each === phase).length));
    assert.ok(sameVersion <= 8, `at most 8 of 400 tables due at one version (${sameVersion})`);
    assert.ok(new Set(phases.map((phase) => Math.floor(phase / 25))).size === 10, 'every tenth of the half interval is used');
    assert.equal(snapshotPhase('any', 2), 0, 'an interval of 2 stays exact');
  });

  it('UP2: a resend is recognized per user and per client key, and never across them', () => {
    const applied = new AppliedUpdates([{ userId: 'u1', clientKey: 'k', seq: 4, version: 10 }]);
    assert.equal(applied.versionOfResend(originOf('u1', 'k-4')), 10);
    assert.equal(applied.versionOfResend(originOf('u1', 'k-3')), 10);
    assert.equal(applied.versionOfResend(originOf('u1', 'k-5')), undefined);
    assert.equal(applied.versionOfResend(originOf('u2', 'k-4')), undefined, 'another user with the same client key');
    // a user id and a client key that a joined key would confuse ("u1\nk" + "x" against "u1" + "k\nx")
    applied.record({ userId: 'u1\nk', clientKey: 'x', seq: 1, version: 11 });
    assert.equal(applied.lastSeq('u1', 'k\nx'), undefined);
    assert.equal(applied.lastSeq('u1\nk', 'x'), 1);
    applied.record({ userId: 'u1', clientKey: 'k', seq: 6, version: 12 });
    assert.equal(applied.versionOfResend(originOf('u1', 'k-5')), 12);
  });

  it('UP3: buckets made without a clock share one and still refill with time', async () => {
    const bucket = new RateLimiter(1000, 1);
    assert.equal(bucket.tryTake(), true);
    assert.equal(bucket.tryTake(), false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(bucket.tryTake(), true);
  });
});
