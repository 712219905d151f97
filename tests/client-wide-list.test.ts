import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import { atomic, itemReader, type Item } from '../activity/src/model/collection';
import { itemUpdate } from '../activity/src/model/lists';
import { ConfirmedState } from '../shared/confirmed-state';
import { differ } from '../shared/diff';
import { diffShared } from '../shared/identity-diff';
import type { JsonObject, JsonValue } from '../shared/json';
import { PATCHED_FROM } from '../shared/patched-array';
import { updateBody } from '../shared/path-diff';
import type { GameStateDelta } from '../shared/protocol';
import { replacedBetween, withItemsAt } from '../shared/replaced-items';
import { referencePart } from './support/crc-reference';
import { applyEdit, listEdit } from './support/json-arbitraries';

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

/** Wider than the server's patched lists start at: the lists whose copies issue 12 is about. */
const WIDE = PATCHED_FROM + 76;
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

describe(`the client's copy of a wide list (${WIDE} items)`, () => {
  it('applies deltas that replace, edit deep, insert, remove and move items (unicode): its CRC is the independent reference CRC after each', () => {
    fc.assert(
      fc.property(fc.array(listEdit, { minLength: 1, maxLength: 8 }), (edits) => {
        let expected: JsonObject = { notes: notes(WIDE), counters: [{ id: 'c', value: 1 }] };
        const client = clientWith(expected);
        for (const [step, edit] of edits.entries()) {
          // as the wire carries it: the delta and the values are plain JSON
          const next = { ...expected, notes: JSON.parse(JSON.stringify(applyEdit(expected.notes as JsonObject[], edit))) as JsonValue };
          const delta = JSON.parse(JSON.stringify(deltaOf(expected, next, step + 2))) as GameStateDelta;
          assert.equal(client.apply(delta), 'applied', `after ${edit.kind}`);
          assert.equal(client.crc(), referencePart(next).crc, `the CRC after ${edit.kind}`);
          assert.deepEqual(client.state, next, `the copy after ${edit.kind}`);
          expected = next;
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('keeps every item a delta did not touch as the same object, and a reader hands React the same view objects for them', () => {
    const start = { notes: notes(WIDE) };
    const client = clientWith(start);
    const read = itemReader(z.object({ id: z.string(), title: z.string() }));
    const before = client.get('notes') as JsonObject[];
    const shownBefore = read(before);
    const edited = before.map((note, i) => (i === 700 ? { ...note, title: 'Rewritten ✓' } : note));
    assert.equal(client.apply(deltaOf({ notes: before }, { notes: edited }, 2)), 'applied');
    const after = client.get('notes') as JsonObject[];
    assert.notEqual(after, before, 'a new list: React sees it changed');
    assert.deepEqual(replacedBetween(before, after), [700], 'the patched list says which item it replaced');
    const shownAfter = read(after);
    for (let i = 0; i < WIDE; i++) {
      if (i === 700) continue;
      assert.equal(after[i], before[i], `raw item ${i} kept`);
      assert.equal(shownAfter[i], shownBefore[i], `view of item ${i} kept`);
    }
    assert.notEqual(shownAfter[700], shownBefore[700]);
    assert.equal(shownAfter[700]?.title, 'Rewritten ✓');
  });
});

describe('the sender of an edit of one item of a wide list', () => {
  it('sends only the field it changed, found without comparing the list, the same changes a whole compare finds', () => {
    const state: JsonObject = { notes: notes(WIDE) };
    const first = itemUpdate(state, 'notes', 'n900', (note) => atomic({ ...note, title: 'Änderung 🐉' }));
    assert.ok(first);
    // a second keystroke in another note before the batch goes: two copies back to the confirmed list
    const second = itemUpdate(first.updates, 'notes', 'n12', (note) => atomic({ ...note, value: -1 }));
    assert.ok(second);
    const confirmed = (key: string) => state[key];
    assert.deepEqual(replacedBetween(state.notes as JsonValue[], second.updates.notes as JsonValue[]), [12, 900]);
    const { body } = updateBody(second.updates, confirmed);
    assert.deepEqual(body, {
      changes: [
        { op: 'set', path: ['notes', 'n12', 'value'], value: -1 },
        { op: 'set', path: ['notes', 'n900', 'title'], value: 'Änderung 🐉' },
      ],
    });
    // a copy that remembers nothing is compared item by item, and gives the same
    const unrecorded = (second.updates.notes as JsonValue[]).slice();
    assert.equal(replacedBetween(state.notes as JsonValue[], unrecorded), undefined);
    assert.deepEqual(updateBody({ notes: unrecorded }, confirmed).body, body);
  });

  it('after more keystrokes than a copy remembers sources, still sends the one change (found by a whole compare)', () => {
    const state: JsonObject = { notes: notes(WIDE) };
    const shown: JsonObject[] = [state];
    for (let key = 1; key <= 20; key++) {
      const update = itemUpdate(shown.at(-1) as JsonObject, 'notes', 'n5', (note) => atomic({ ...note, title: 'typed'.repeat(key) }));
      assert.ok(update);
      shown.push(update.updates);
    }
    const latest = shown.at(-1)?.notes as JsonValue[];
    assert.deepEqual(replacedBetween(shown[5]?.notes as JsonValue[], latest), [5], 'fifteen copies back: remembered');
    assert.equal(replacedBetween(state.notes as JsonValue[], latest), undefined, 'twenty copies back: not remembered');
    assert.deepEqual(updateBody({ notes: latest }, (key) => state[key]).body, { changes: [{ op: 'set', path: ['notes', 'n5', 'title'], value: 'typed'.repeat(20) }] });
  });

  it('leaves the other entries of the list as they were, readable or not, and finds nothing for an item that is gone', () => {
    const list: JsonValue[] = [...notes(WIDE), 'not an item', { id: 'n3', title: 'a repeated id' }];
    const update = itemUpdate({ notes: list }, 'notes', 'n3', (note) => atomic({ ...note, title: 'x', id: 'hijacked' }));
    assert.ok(update);
    const sent = update.updates.notes as JsonValue[];
    assert.equal(sent.length, list.length);
    assert.deepEqual(sent[3], { ...(list[3] as Item), title: 'x', id: 'n3' }, 'the first item with the id, which keeps it');
    assert.equal(sent[WIDE], 'not an item');
    assert.equal(sent[WIDE + 1], list[WIDE + 1]);
    assert.equal(itemUpdate({ notes: list }, 'notes', 'gone', (note) => atomic(note)), null);
    assert.deepEqual(replacedBetween(list, withItemsAt(list, new Map())), []);
  });
});
