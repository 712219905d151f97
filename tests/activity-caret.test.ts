import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapSelection } from '../activity/src/model/caret';

const caret = (at: number) => ({ start: at, end: at });

describe('activity: the local caret through a remote edit', () => {
  it('text inserted before the caret moves it by its length', () => {
    assert.deepEqual(mapSelection('the map', 'old: the map', caret(4)), caret(9));
  });

  it('text inserted after the caret leaves it where it was', () => {
    assert.deepEqual(mapSelection('the map', 'the map is torn', caret(4)), caret(4));
  });

  it('text inserted exactly at the caret goes after it, so the local player keeps typing their own word', () => {
    assert.deepEqual(mapSelection('the map', 'the old map', caret(4)), caret(4));
    assert.deepEqual(mapSelection('gold', 'gold coins', caret(4)), caret(4));
  });

  it('a deletion before the caret pulls it back; one around it puts it where the deleted text was', () => {
    assert.deepEqual(mapSelection('the old map', 'the map', caret(11)), caret(7));
    assert.deepEqual(mapSelection('the old map', 'the map', caret(6)), caret(4));
  });

  it('edits on both sides of the caret at once each count on their side only', () => {
    assert.deepEqual(mapSelection('b c', 'a b c d', caret(2)), caret(4));
  });

  it('a selection keeps covering the same characters; text at its edges stays outside it', () => {
    assert.deepEqual(mapSelection('one two three', 'one XtwoY three', { start: 4, end: 7 }), { start: 5, end: 8 });
    assert.deepEqual(mapSelection('one two three', 'one tXwo three', { start: 4, end: 7 }), { start: 4, end: 8 });
  });

  it('an unchanged text keeps the selection as it is', () => {
    assert.deepEqual(mapSelection('same', 'same', { start: 1, end: 3 }), { start: 1, end: 3 });
  });
});
