import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import { atomic, itemReader, readItems, type Item } from '../activity/src/model/collection';
import { itemUpdate } from '../activity/src/model/lists';
import { ConfirmedState } from '../shared/confirmed-state';
import { differ } from '../shared/diff';
import { EditQueue } from '../shared/edit-queue';
import { diffShared } from '../shared/identity-diff';
import type { JsonObject, JsonValue } from '../shared/json';
import { merge3 } from '../shared/merge';
import { intentTrees } from '../shared/merge-intents';
import { PATCHED_FROM, PatchedArray, plainOf, plainState, type StoredState, type StoredValue } from '../shared/patched-array';
import { changesBetween, updateBody } from '../shared/path-diff';
import type { GameStateDelta } from '../shared/protocol';
import { replacedBetween } from '../shared/replaced-items';
import { referencePart } from './support/crc-reference';
import { applyEdit, item, listEdit, text, type ListEdit } from './support/json-arbitraries';

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

/** Wider than the server's patched lists start at: the lists whose copies issue 12 is about. */
const WIDE = PATCHED_FROM + 76;
/** More item edits in a row than a PatchedArray keeps before it is copied whole again (64). */
const PAST_REBASE = 70;
const notes = (count: number): JsonObject[] =>
  Array.from({ length: count }, (_, i) => ({ id: `n${i}`, title: `Note ${i} — é 漢 🐉 \u2028`, value: i, tags: [], extra: null }));

/** A client's copy of `state` at version 1, its CRC given by the independent reference. */
function clientWith(state: JsonObject): ConfirmedState {
  const client = new ConfirmedState(differ);
  assert.equal(client.reset(structuredClone(state), 1, referencePart(state).crc), true);
  return client;
}

/** The delta the server sends from `before` to `after` (its identity-skipping diff), with the reference CRC of `after`. */
function deltaOf(before: JsonObject, after: JsonObject, version: number): GameStateDelta {
  return { fromVersion: version - 1, version, delta: diffShared(before, after, differ), crc: referencePart(after).crc } as GameStateDelta;
}

/** `stored` holds `expected` item by item, read through `at` (reading it whole would make a PatchedArray plain). */
function assertSameItems(stored: StoredValue | undefined, expected: JsonValue[], what: string): void {
  assert.ok(stored instanceof PatchedArray || Array.isArray(stored), what);
  assert.equal(stored.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) assert.deepEqual(stored.at(i), expected[i], `${what}, item ${i}`);
}

/** Item edits only (fields, deep, whole items with any JSON, unicode): what the activity does while players type. */
const itemEdit = listEdit.filter((edit) => edit.kind === 'field' || edit.kind === 'deep' || edit.kind === 'replace');
/** Long runs of item edits with a few inserts, removals and moves among them. */
const longRun = fc.array(fc.oneof({ weight: 12, arbitrary: itemEdit }, { weight: 1, arbitrary: listEdit }), { minLength: PAST_REBASE, maxLength: PAST_REBASE + 30 });

describe(`CL1: the client's copy of a wide list (${WIDE} items)`, () => {
  /** Applies `edits` as deltas from the server; after each the CRC is the reference CRC and the copy the server's. */
  function replay(edits: readonly ListEdit[], wire: boolean): void {
    let expected: JsonObject = { notes: notes(WIDE), counters: [{ id: 'c', value: 1 }] };
    const client = clientWith(expected);
    let version = 1;
    for (const [step, edit] of edits.entries()) {
      const edited = applyEdit(expected.notes as JsonObject[], edit);
      // as the wire carries it, the delta and the values are plain JSON; else the server's own objects
      const next = { ...expected, notes: wire ? (JSON.parse(JSON.stringify(edited)) as JsonValue) : edited };
      const delta = deltaOf(expected, next, version + 1);
      // an edit that changed nothing (a value set to an equal one) makes no version
      if (delta.delta === undefined) continue;
      version++;
      assert.equal(client.apply(wire ? (JSON.parse(JSON.stringify(delta)) as GameStateDelta) : delta), 'applied', `after ${edit.kind}`);
      assert.equal(client.crc(), referencePart(next).crc, `the CRC after step ${step}, ${edit.kind}`);
      if (step % 8 === 0 || step === edits.length - 1) assertSameItems(client.get('notes'), next.notes as JsonValue[], `the copy after step ${step}, ${edit.kind}`);
      expected = next;
    }
    assert.deepEqual(plainState(client.state), expected, 'the copy, made plain, is the server state');
  }

  it('CL1a: applies deltas that replace, edit deep, insert, remove and move items (unicode): its CRC is the independent reference CRC after each', () => {
    fc.assert(
      fc.property(fc.array(listEdit, { minLength: 1, maxLength: 8 }), (edits) => replay(edits, true)),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`CL1b: across more than 64 item edits in a row (the PatchedArray copied whole again), with inserts, removals and moves among them, CRC and copy stay exact`, () => {
    fc.assert(
      fc.property(longRun, fc.boolean(), (edits, wire) => replay(edits, wire)),
      { seed: SEED, numRuns: Math.max(4, Math.round(RUNS / 6)) },
    );
  });

  it('CL1c: keeps a list whose items deltas replace as a PatchedArray, never copying its spine, and copies it whole only every 64 replacements', () => {
    let expected: JsonObject = { notes: notes(WIDE) };
    const client = clientWith(expected);
    let copies = 0;
    for (let step = 0; step < 3 * 64; step++) {
      const before = client.get('notes');
      const next = { notes: (expected.notes as JsonObject[]).map((note, i) => (i === (step * 37) % WIDE ? { ...note, title: `typed ${step} 🐉` } : note)) };
      assert.equal(client.apply(deltaOf(expected, next, step + 2)), 'applied');
      const after = client.get('notes');
      assert.notEqual(after, before, 'a new value: React sees it changed');
      if (!(after instanceof PatchedArray)) copies++;
      expected = next;
    }
    assert.ok(copies <= 3, `${copies} whole copies in ${3 * 64} edits`);
    assert.equal(client.crc(), referencePart(expected).crc);
  });

  it('CL1d: keeps every item a delta did not touch as the same object, and a reader hands React the same view objects for them', () => {
    const start = { notes: notes(WIDE) };
    const client = clientWith(start);
    const read = itemReader(z.object({ id: z.string(), title: z.string() }));
    const before = client.get('notes');
    const shownBefore = read(before);
    const edited = (plainOf(before) as JsonObject[]).map((note, i) => (i === 700 ? { ...note, title: 'Rewritten ✓' } : note));
    assert.equal(client.apply(deltaOf({ notes: plainOf(before) as JsonValue }, { notes: edited }, 2)), 'applied');
    const after = client.get('notes');
    assert.ok(after instanceof PatchedArray, 'the copy is patched, not copied');
    assert.ok(after.sharesBase(before as JsonValue[]));
    assert.deepEqual([...after.replacedIndices()], [700]);
    const shownAfter = read(after);
    assert.notEqual(shownAfter, shownBefore, 'a new list: React sees it changed');
    for (let i = 0; i < WIDE; i++) {
      if (i === 700) continue;
      assert.equal(after.at(i), (before as JsonValue[])[i], `raw item ${i} kept`);
      assert.equal(shownAfter.at(i), shownBefore.at(i), `view of item ${i} kept`);
    }
    assert.notEqual(shownAfter.at(700), shownBefore.at(700));
    assert.equal(shownAfter.at(700)?.title, 'Rewritten ✓');
  });

  it('CL1e: a reader of a patched list reads, across the 64-replacement boundary and structural edits, what a whole read gives', () => {
    const shape = z.object({ id: z.string(), title: z.string(), value: z.number() });
    fc.assert(
      fc.property(longRun, (edits) => {
        let expected: JsonObject = { notes: notes(WIDE) };
        const client = clientWith(expected);
        const read = itemReader(shape);
        let version = 1;
        for (const [step, edit] of edits.entries()) {
          const next = { notes: applyEdit(expected.notes as JsonObject[], edit) };
          const delta = deltaOf(expected, next, version + 1);
          if (delta.delta === undefined) continue;
          version++;
          assert.equal(client.apply(delta), 'applied');
          const shown = read(client.get('notes'));
          if (step % 10 === 0 || step === edits.length - 1) assert.deepEqual([...shown], readItems(next.notes, shape), `read after step ${step}`);
          expected = next;
        }
      }),
      { seed: SEED, numRuns: 4 },
    );
  });
});

describe('CL2: the sender of an edit of one item of a wide list', () => {
  const confirmedFrom = (state: StoredState) => (key: string) => state[key];
  /** The changes a whole compare finds: the same lists, plain and remembering nothing. */
  const wholeDiff = (edited: StoredState, confirmed: StoredState) =>
    updateBody(JSON.parse(JSON.stringify(edited)) as JsonObject, (key) => JSON.parse(JSON.stringify(confirmed[key] ?? null)) as JsonValue).body;

  it('CL2a: makes a PatchedArray of the confirmed list (no spine copy) and sends only the field it changed', () => {
    const state: JsonObject = { notes: notes(WIDE) };
    const first = itemUpdate(state, 'notes', 'n900', (note) => atomic({ ...note, title: 'Änderung 🐉' }));
    assert.ok(first);
    assert.ok(first.updates.notes instanceof PatchedArray, 'the edit does not copy the list');
    // a second keystroke in another note before the batch goes
    const second = itemUpdate(first.updates, 'notes', 'n12', (note) => atomic({ ...note, value: -1 }));
    assert.ok(second);
    const { body } = updateBody(second.updates, confirmedFrom(state));
    assert.deepEqual(body, {
      changes: [
        { op: 'set', path: ['notes', 'n12', 'value'], value: -1 },
        { op: 'set', path: ['notes', 'n900', 'title'], value: 'Änderung 🐉' },
      ],
    });
    assert.deepEqual(wholeDiff(second.updates, state), body);
  });

  it('CL2b: any item edits on a confirmed list that is itself patched, across the 64-replacement boundary: the changes sent are the whole-key diff', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(WIDE - 1), text, fc.boolean()), { minLength: 1, maxLength: PAST_REBASE + 10 }),
        fc.array(fc.tuple(fc.nat(WIDE - 1), text), { maxLength: 80 }),
        (keystrokes, others) => {
          // the confirmed list: patched by others' edits, as deltas leave it
          let expected: JsonObject = { notes: notes(WIDE) };
          const client = clientWith(expected);
          for (const [step, [at, title]] of others.entries()) {
            const next = { notes: (expected.notes as JsonObject[]).map((note, i) => (i === at ? { ...note, title } : note)) };
            assert.equal(client.apply(deltaOf(expected, next, step + 2)), 'applied');
            expected = next;
          }
          let shown: StoredState = client.state;
          for (const [at, title, deep] of keystrokes) {
            const update = itemUpdate(shown, 'notes', `n${at}`, (note) => atomic(deep ? { ...note, tags: [...(note.tags as JsonValue[]), title] } : { ...note, title }));
            assert.ok(update);
            shown = { ...shown, ...update.updates };
            const { body } = updateBody(update.updates, confirmedFrom(client.state));
            assert.deepEqual(body, wholeDiff(update.updates, client.state));
          }
          assert.deepEqual(changesBetween('notes', client.get('notes'), client.get('notes')), []);
        },
      ),
      { seed: SEED, numRuns: Math.max(6, Math.round(RUNS / 4)) },
    );
  });

  it('CL2c: the edit queue rebases a patched edit onto a patched confirmed list as a plain merge would, with and without intents', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(WIDE - 1), text), { maxLength: PAST_REBASE }),
        fc.array(fc.tuple(fc.nat(WIDE - 1), text), { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        (theirEdits, myEdits, typedIntents) => {
          const base: JsonObject[] = notes(WIDE);
          let ours: StoredValue = base;
          for (const [at, title] of theirEdits) ours = PatchedArray.withItem(ours as JsonValue[] | PatchedArray, at, { ...(base[at] as JsonObject), title: `${title}|theirs` } as JsonValue);
          let mine: StoredValue = base;
          for (const [at, title] of myEdits) mine = PatchedArray.withItem(mine as JsonValue[] | PatchedArray, at, { ...(base[at] as JsonObject), title });
          const intents = typedIntents ? intentTrees(myEdits.map(([at]) => ({ path: ['notes', `n${at}`, 'title'], op: 'text' as const }))).get('notes') : undefined;
          const plain = (value: StoredValue) => JSON.parse(JSON.stringify(value)) as JsonValue;
          const merged = merge3(base, ours, mine, intents);
          assert.deepEqual(plain(merged as StoredValue), merge3(plain(base), plain(ours), plain(mine), intents));
          // and through the queue: what is shown and what is sent
          const queue = new EditQueue('me', (() => { let seq = 0; return () => ++seq; })());
          queue.record({ notes: mine }, [], () => base, 0);
          assert.deepEqual(plain(queue.shown('notes', ours) as StoredValue), merge3(plain(base), plain(ours), plain(mine)));
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('CL2d: leaves the other entries of the list as they were, readable or not, and finds nothing for an item that is gone', () => {
    const list: JsonValue[] = [...notes(WIDE), 'not an item', { id: 'n3', title: 'a repeated id' }];
    const update = itemUpdate({ notes: list }, 'notes', 'n3', (note) => atomic({ ...note, title: 'x', id: 'hijacked' }));
    assert.ok(update);
    const sent = plainOf(update.updates.notes) as JsonValue[];
    assert.equal(sent.length, list.length);
    assert.deepEqual(sent[3], { ...(list[3] as Item), title: 'x', id: 'n3' }, 'the first item with the id, which keeps it');
    assert.equal(sent[WIDE], 'not an item');
    assert.equal(sent[WIDE + 1], list[WIDE + 1]);
    assert.equal(itemUpdate({ notes: list }, 'notes', 'gone', (note) => atomic(note)), null);
  });

  it('CL2e: a short list is still copied, and the copy says which item it replaced', () => {
    const state: JsonObject = { counters: [{ id: 'a', value: 1 }, { id: 'b', value: 2 }] };
    const update = itemUpdate(state, 'counters', 'b', (counter) => atomic({ ...counter, value: 3 }));
    assert.ok(update && Array.isArray(update.updates.counters));
    assert.deepEqual(replacedBetween(state.counters as JsonValue[], update.updates.counters as JsonValue[]), [1]);
    assert.deepEqual(updateBody(update.updates, (key) => state[key]).body, { changes: [{ op: 'set', path: ['counters', 'b', 'value'], value: 3 }] });
  });
});

describe('CL3: a patched list is never mistaken for something else', () => {
  const patched = () => PatchedArray.withItem(notes(WIDE), 5, { id: 'n5', title: 'edited ✓' }) as PatchedArray;

  it('CL3a: JSON.stringify (the wire, export, kept edits) writes it as the plain array', () => {
    const list = patched();
    const plain = notes(WIDE).map((note, i) => (i === 5 ? { id: 'n5', title: 'edited ✓' } : note));
    assert.equal(JSON.stringify({ notes: list }), JSON.stringify({ notes: plain }));
    const queue = new EditQueue('me', () => 1);
    queue.record({ notes: list }, [], () => notes(WIDE), 0);
    const [kept] = queue.kept();
    assert.ok(kept && Array.isArray(kept.keys[0]?.value), 'a kept edit holds the plain list');
    assert.deepEqual(kept.keys[0]?.value, plain);
  });

  it('CL3b: structuredClone refuses it instead of copying its fields as an object', () => {
    assert.throws(() => structuredClone(patched()));
    assert.throws(() => structuredClone({ notes: patched() }));
  });

  it('CL3c: plainState and plainOf give plain arrays, the same one each time', () => {
    const list = patched();
    const state: StoredState = { notes: list, other: 1 };
    const plain = plainState(state);
    assert.ok(Array.isArray(plain.notes));
    assert.equal(plainOf(list), plain.notes);
    assert.equal((plain.notes as JsonObject[])[5]?.title, 'edited ✓');
  });

  it('CL3d: an item of a whole state item arbitrary survives a patch of the client (fields of any JSON)', () => {
    fc.assert(
      fc.property(item('n10'), (replacement) => {
        const start = { notes: notes(WIDE) };
        const client = clientWith(start);
        const next = { notes: (start.notes as JsonObject[]).map((note, i) => (i === 10 ? replacement : note)) };
        assert.equal(client.apply(JSON.parse(JSON.stringify(deltaOf(start, next, 2))) as GameStateDelta), 'applied');
        assert.equal(client.crc(), referencePart(next).crc);
        assert.deepEqual(JSON.parse(JSON.stringify(client.state)), JSON.parse(JSON.stringify(next)));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
