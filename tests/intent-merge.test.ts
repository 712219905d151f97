import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { merge3 } from '../shared/merge';
import { foldIntents, intentTrees, type Intent } from '../shared/merge-intents';
import type { JsonValue } from '../shared/json';
import { rebaseText } from '../shared/text-rebase';
import { seededRandom } from './support/random';

const tree = (key: string, ...intents: Intent[]) => intentTrees(intents).get(key);

describe('merging what each player meant', () => {
  const counters: JsonValue = [{ id: 'gold', value: 5 }, { id: 'time', value: 0 }];
  const step = tree('counters', { path: ['counters', 'gold', 'value'], op: 'add' });

  it('M7: concurrent steps of one number all count; a typed number is set, the later edit winning', () => {
    const ours: JsonValue = [{ id: 'gold', value: 6 }, { id: 'time', value: 0 }];
    const theirs: JsonValue = [{ id: 'gold', value: 6 }, { id: 'time', value: 0 }];
    assert.deepEqual(merge3(counters, ours, theirs, step), [{ id: 'gold', value: 7 }, { id: 'time', value: 0 }], 'two +1 make +2');
    const plusSeven: JsonValue = [{ id: 'gold', value: 12 }, { id: 'time', value: 0 }];
    const minusThree: JsonValue = [{ id: 'gold', value: 2 }, { id: 'time', value: 0 }];
    assert.deepEqual(merge3(counters, plusSeven, minusThree, step), [{ id: 'gold', value: 9 }, { id: 'time', value: 0 }], '+7 and −3 make +4');
    assert.deepEqual(merge3(counters, plusSeven, minusThree), minusThree, 'typed: the later value wins');
    assert.equal(merge3(5, 6, 6), 6, 'equal sets are one edit');
  });

  it('M8: two players typing in one text both keep their words, each contiguous and in place', () => {
    const base = 'Ayla writes about the map';
    const ours = 'Gold 12. Ayla writes about the map';
    const theirs = 'Ayla writes a long note about the map';
    assert.equal(rebaseText(base, ours, theirs), 'Gold 12. Ayla writes a long note about the map');
    assert.equal(rebaseText('abc', 'abcX', 'abcY'), 'abcYX', 'the edit being merged comes first at the same place');
    assert.equal(rebaseText('the old map', 'the map', 'the old red map'), 'the red map', 'a deletion applies to what its author deleted; the new word is not glued');
    assert.equal(rebaseText('a  b', 'a X Z b', 'a Y b'), 'a Y X Z b', 'words typed at one place stay apart');
    assert.equal(rebaseText('see map', ' map', 'sea see map'), 'sea  map', 'an insertion is placed on word boundaries, not split');
    assert.equal(rebaseText('draw 🐉 here', 'draw 🐉🐉 here', 'draw 🐉 there'), 'draw 🐉🐉 there', 'characters are not split');
    const notes = tree('notes', { path: ['notes', 'n1', 'text'], op: 'text' });
    const note = (text: string): JsonValue => [{ id: 'n1', text }];
    assert.deepEqual(merge3(note('ab'), note('xab'), note('aby'), notes), note('xaby'));
    assert.deepEqual(merge3(note('ab'), note('xab'), note('aby')), note('aby'), 'without the intent the string is atomic');
  });

  it('M8: random concurrent insertions and deletions keep every insertion whole (seeded)', () => {
    const random = seededRandom(9101);
    for (let round = 0; round < 400; round++) {
      const base = randomText(random, Math.floor(random() * 12));
      const [ours, oursInsert] = randomEdit(random, base, 'O');
      const [theirs, theirsInsert] = randomEdit(random, base, 'T');
      const merged = rebaseText(base, ours, theirs);
      assert.ok(merged.includes(oursInsert), `${JSON.stringify({ base, ours, theirs, merged })}`);
      assert.ok(merged.includes(theirsInsert), `${JSON.stringify({ base, ours, theirs, merged })}`);
    }
  });

  it('M9: an item removed by one player stays removed, whatever the other did to it; a reorder brings nothing back', () => {
    const base: JsonValue = [{ id: 'a', text: 'x' }, { id: 'b', text: 'y' }, { id: 'c', text: 'z' }];
    const removedB: JsonValue = [{ id: 'a', text: 'x' }, { id: 'c', text: 'z' }];
    const editedB: JsonValue = [{ id: 'a', text: 'x' }, { id: 'b', text: 'y!' }, { id: 'c', text: 'z' }];
    assert.deepEqual(merge3(base, removedB, editedB), removedB, 'edit after a removal');
    assert.deepEqual(merge3(base, editedB, removedB), removedB, 'removal after an edit');
    const reordered: JsonValue = [{ id: 'c', text: 'z' }, { id: 'b', text: 'y' }, { id: 'a', text: 'x' }];
    assert.deepEqual(merge3(base, removedB, reordered), [{ id: 'c', text: 'z' }, { id: 'a', text: 'x' }]);
    const added: JsonValue = [...(base as JsonValue[]), { id: 'd', text: 'new' }];
    assert.deepEqual(merge3(base, removedB, added), [{ id: 'a', text: 'x' }, { id: 'c', text: 'z' }, { id: 'd', text: 'new' }]);
  });

  it('a typed value replaces a step made earlier in the same batch; an untouched step stays', () => {
    const before: JsonValue = [{ id: 'gold', value: 6 }, { id: 'time', value: 1 }];
    const typed: JsonValue = [{ id: 'gold', value: 40 }, { id: 'time', value: 1 }];
    const steps = tree('counters', { path: ['counters', 'gold', 'value'], op: 'add' }, { path: ['counters', 'time', 'value'], op: 'add' });
    const folded = foldIntents('counters', steps, before, typed, []);
    assert.equal(folded?.children?.get('gold')?.children?.get('value')?.op, undefined);
    assert.equal(folded?.children?.get('time')?.children?.get('value')?.op, 'add');
  });
});

/** Lowercase words: what the table's notes already say. */
function randomText(random: () => number, words: number): string {
  return Array.from({ length: words }, () => 'map gold turn key'.split(' ')[Math.floor(random() * 4)]).join(' ');
}

/**
 * A player's edit as typing makes it: at a word boundary, a run of words deleted (a selection) and
 * a new word typed (capitals and digits, unlike the base); returns the text and the word.
 */
function randomEdit(random: () => number, base: string, mark: string): [string, string] {
  const words = base === '' ? [] : base.split(' ');
  const start = Math.floor(random() * (words.length + 1));
  const end = Math.min(words.length, start + (random() < 0.5 ? 0 : Math.floor(random() * 3)));
  const typed = `${mark}${Math.floor(random() * 1000)}`;
  return [[...words.slice(0, start), typed, ...words.slice(end)].join(' '), typed];
}
