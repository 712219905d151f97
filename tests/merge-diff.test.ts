import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDiffer, differ, type Delta } from '../shared/diff';
import { merge3 } from '../shared/merge';
import { deepEqual, type JsonValue } from '../shared/json';
import { seededRandom } from './support/random';
import { patchImmutably } from '../shared/immutable-patch';

describe('three-way merge', () => {
  const base: JsonValue = { characters: [{ id: 'a', hp: 10, name: 'Ayla' }, { id: 'b', hp: 8 }] };

  it('M1: edits of different items are both kept', () => {
    const ours: JsonValue = { characters: [{ id: 'a', hp: 4, name: 'Ayla' }, { id: 'b', hp: 8 }] };
    const theirs: JsonValue = { characters: [{ id: 'a', hp: 10, name: 'Ayla' }, { id: 'b', hp: 8, luck: 3 }] };
    assert.deepEqual(merge3(base, ours, theirs), {
      characters: [{ id: 'a', hp: 4, name: 'Ayla' }, { id: 'b', hp: 8, luck: 3 }],
    });
  });

  it('M2: edits of different fields of one item are both kept; the same field: theirs wins', () => {
    const ours: JsonValue = { characters: [{ id: 'a', hp: 4, name: 'Ayla' }, { id: 'b', hp: 8 }] };
    const theirs: JsonValue = { characters: [{ id: 'a', hp: 2, name: 'Ayla the Bold' }, { id: 'b', hp: 8 }] };
    assert.deepEqual(merge3(base, ours, theirs), {
      characters: [{ id: 'a', hp: 2, name: 'Ayla the Bold' }, { id: 'b', hp: 8 }],
    });
  });

  it('M3: additions on both sides are kept in a sensible order, removals honoured', () => {
    const ours: JsonValue = { characters: [{ id: 'a', hp: 10, name: 'Ayla' }, { id: 'b', hp: 8 }, { id: 'c', hp: 1 }] };
    const theirs: JsonValue = { characters: [{ id: 'd', hp: 5 }, { id: 'a', hp: 10, name: 'Ayla' }] };
    assert.deepEqual(merge3(base, ours, theirs), {
      characters: [{ id: 'd', hp: 5 }, { id: 'a', hp: 10, name: 'Ayla' }, { id: 'c', hp: 1 }],
    });
  });

  it('M4: a reorder on their side is kept; our addition follows the item it was added after', () => {
    const ours: JsonValue = { characters: [{ id: 'a', hp: 10, name: 'Ayla' }, { id: 'b', hp: 8 }, { id: 'c', hp: 1 }] };
    const theirs: JsonValue = { characters: [{ id: 'b', hp: 8 }, { id: 'a', hp: 10, name: 'Ayla' }] };
    const merged = merge3(base, ours, theirs) as { characters: Array<{ id: string }> };
    assert.deepEqual(merged.characters.map((item) => item.id), ['b', 'c', 'a']);
  });

  it('M5: arrays without ids and scalars are replaced whole by the later edit', () => {
    assert.deepEqual(merge3({ log: [1, 2] }, { log: [1, 2, 3] }, { log: [0] }), { log: [0] });
    assert.equal(merge3(1, 2, 3), 3);
    assert.equal(merge3(1, 2, 1), 2);
  });

  it('M6: unchanged on one side yields the other side exactly', () => {
    const ours: JsonValue = { x: { deep: [1, 2, 3] } };
    assert.equal(merge3(base, ours, base), ours);
    assert.equal(merge3(base, base, ours), ours);
  });
});

describe('the shared diff', () => {
  it('D1: deltas match array items by id and patch exactly', () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ id: `i${i}`, name: `item ${i}`, v: i }));
    const right = items.map((item) => (item.id === 'i20' ? { ...item, v: -1 } : item)).filter((item) => item.id !== 'i30');
    right.unshift({ id: 'new', name: 'new item', v: 0 });
    const delta = differ.diff({ items }, { items: right });
    assert.ok(JSON.stringify(delta).length < JSON.stringify(right).length / 10, 'the delta is far smaller than the state');
    assert.deepEqual(differ.patch(structuredClone({ items }), structuredClone(delta)), { items: right });
  });

  it('D2: a costly array diff falls back to replacing the array, and still patches exactly', () => {
    const items = Array.from({ length: 5000 }, (_, i) => ({ id: `i${i}`, v: i }));
    const reversed = [...items].reverse();
    const delta = createDiffer({ maxArrayDiffCells: 250_000 }).diff(items as JsonValue, reversed as JsonValue);
    // 5000 x 5000 LCS cells would cost seconds and hundreds of MB; the fallback replaces the array
    assert.ok(Array.isArray(delta) && delta.length === 2, 'replaced whole');
    const small = createDiffer({ maxArrayDiffCells: 250_000 }).diff(items.slice(0, 400) as JsonValue, reversed.slice(4600) as JsonValue);
    assert.ok(!Array.isArray(small), 'under the budget the array is diffed item by item');
    assert.deepEqual(differ.patch(structuredClone(items) as JsonValue, structuredClone(delta)), reversed);
  });

  it('D3: a crafted delta cannot reach Object.prototype', () => {
    const delta = JSON.parse('{"__proto__":{"polluted":["yes"]},"constructor":{"prototype":{"polluted2":["yes"]}}}');
    try {
      differ.patch({}, delta);
    } catch {
      // refusing is fine too; what matters is the prototype below
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).polluted2, undefined);
  });

  it('D4: patch is exact on random edits of id-keyed arrays (adds, removes, moves, changes)', () => {
    const random = seededRandom(3);
    for (let round = 0; round < 5000; round++) {
      const left = Array.from({ length: Math.floor(random() * 40) }, (_, i) => ({ id: `i${i}`, value: Math.floor(random() * 3) }));
      const right = left.map((item) => ({ ...item }));
      for (let k = Math.floor(random() * 12); k > 0; k--) mutate(right, random, `n${round}-${k}`);
      const delta = differ.diff({ items: left }, { items: right });
      if (delta === undefined) continue;
      assert.ok(deepEqual(differ.patch(structuredClone({ items: left }), structuredClone(delta)), { items: right }), `patch, round ${round}`);
    }
  });
});

describe('patching without mutating', () => {
  it('D5: patchImmutably gives what jsondiffpatch gives, leaves the old value untouched, and shares what did not change', () => {
    const random = seededRandom(5);
    const fallback = (value: JsonValue | undefined, delta: Delta) => differ.patch(value, delta);
    for (let round = 0; round < 3000; round++) {
      const items = Array.from({ length: Math.floor(random() * 30) }, (_, i) => ({ id: `i${i}`, value: i, tags: { a: i % 3 } }));
      const left = deepFreeze({ items, meta: { title: 't', n: 1 }, flag: true }) as unknown as JsonValue;
      const right = structuredClone(left) as { items: Array<{ id: string; value: number; tags?: { a: number } }>; meta: Record<string, unknown>; flag?: boolean };
      for (let k = Math.floor(random() * 10); k > 0; k--) mutate(right.items, random, `n${round}-${k}`);
      if (random() < 0.3 && right.items[0]) delete right.items[0].tags;
      if (random() < 0.3) right.meta.n = round;
      if (random() < 0.2) delete right.flag;
      const delta = differ.diff(left, right as unknown as JsonValue);
      if (delta === undefined) continue;
      const patched = patchImmutably(left, delta, fallback);
      assert.ok(deepEqual(patched, right), `round ${round}`);
      if (deepEqual((left as { meta: unknown }).meta, right.meta)) {
        assert.equal((patched as { meta: unknown }).meta, (left as { meta: unknown }).meta, 'an untouched branch is shared');
      }
    }
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function mutate(items: Array<{ id: string; value: number }>, random: () => number, newId: string): void {
  const at = (length: number) => Math.floor(random() * length);
  const roll = random();
  if (roll < 0.3) items.splice(at(items.length + 1), 0, { id: newId, value: 9 });
  else if (roll < 0.5 && items.length > 0) items.splice(at(items.length), 1);
  else if (roll < 0.8 && items.length > 0) (items[at(items.length)] as { value: number }).value = 100;
  else if (items.length > 1) items.splice(at(items.length), 0, ...items.splice(at(items.length), 1));
}
