import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DiceRoll } from '../shared/dice';
import { ProtocolError } from '../shared/errors';
import { applyGmChanges } from '../shared/gm-changes';
import { applyEdit, changeToken, invertEdit, readLayers, tokenAt, type Token } from '../activity/src/book/layer-items';
import { restoreItem, takeItem, type Item, type RemovedItem } from '../activity/src/model/collection';
import { newRolls, ROLL_NEWS_MS } from '../activity/src/model/dice-log';
import { inviteProblemText, linkProblemText } from '../activity/src/platform/link-problem';
import { forgetTable, RECENT_TABLES_KEPT, recentTables, rememberTable } from '../activity/src/platform/recent-tables';
import { TableError } from '../activity/src/sync/table-error';

/** localStorage as far as the activity uses it. */
class MemoryStorage {
  private readonly items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

const roll = (id: string, at: number): DiceRoll => ({ id, expression: '1d6', by: { id: 'u', name: 'U' }, at, groups: [], modifier: 0, total: 3 });

describe("the table's data in the activity: pure parts", () => {
  it('recent tables: newest first, each once, the newest few, and unreadable storage counts as none', () => {
    const storage = new MemoryStorage() as unknown as Storage;
    for (let i = 0; i < RECENT_TABLES_KEPT + 3; i++) rememberTable(storage, `t${i}`, undefined, i);
    rememberTable(storage, 't5', 'Lone Wolf 1.pdf', 99);
    rememberTable(storage, 't5', undefined, 100);
    const tables = recentTables(storage);
    assert.equal(tables.length, RECENT_TABLES_KEPT);
    assert.deepEqual(tables.slice(0, 2), [{ sessionId: 't5', openedAt: 100, title: 'Lone Wolf 1.pdf' }, { sessionId: `t${RECENT_TABLES_KEPT + 2}`, openedAt: RECENT_TABLES_KEPT + 2 }]);
    assert.equal(tables.filter((table) => table.sessionId === 't5').length, 1);
    assert.ok(!forgetTable(storage, 't5').some((table) => table.sessionId === 't5'));
    storage.setItem('gamebook-studio.recent-tables', '{not json');
    assert.deepEqual(recentTables(storage), []);
  });

  it('a roll is news when it is new and recent: a join bringing old rolls shows none', () => {
    const now = 1_000_000;
    const before = [roll('a', now - 5000)];
    const after = [roll('c', now - ROLL_NEWS_MS - 1), roll('b', now - 100), ...before];
    assert.deepEqual(newRolls(before, after, now).map((r) => r.id), ['b']);
    assert.deepEqual(newRolls(after, after, now), []);
  });

  it('a deleted note comes back where it was, once', () => {
    const list: Item[] = [{ id: 'a' }, { id: 'b', text: 'x' }, { id: 'c' }];
    let removed: RemovedItem | undefined;
    const without = takeItem(list, 'b', (taken) => (removed = taken));
    assert.deepEqual(without.map((item) => item.id), ['a', 'c']);
    assert.deepEqual(restoreItem(without, removed!), list);
    assert.equal(restoreItem(list, removed!), list, 'not twice');
    assert.deepEqual(restoreItem([{ id: 'z' }], removed!).map((item) => item.id), ['z', 'b'], 'at the end of a shorter list');
    let none = false;
    assert.equal(takeItem(list, 'gone', () => (none = true)), list);
    assert.equal(none, false);
  });

  it('a token edit of label and size is undone by its inverse; old tokens read as standard size; a huge token is hit further out', () => {
    const [token] = readLayers({ tokens: [{ id: 't', by: 'u', color: '#f00', label: 'H', x: 50, y: 50 }] }).tokens as [Token];
    assert.equal(token.size, 1);
    const layers = { strokes: [], tokens: [token] };
    const edit = changeToken(token, { label: 'Wolf', size: 2.5 });
    const changed = applyEdit(layers, edit);
    assert.deepEqual(changed.tokens[0], { ...token, label: 'Wolf', size: 2.5 });
    assert.deepEqual(applyEdit(changed, invertEdit(edit)).tokens[0], token);
    assert.equal(tokenAt(layers, { x: 50, y: 75 }), undefined);
    assert.equal(tokenAt(changed, { x: 50, y: 75 })?.id, 't');
  });

  it('a link that leads nowhere is explained by what the server said', () => {
    assert.match(linkProblemText(new TableError('unknown-session', 'there is no session x')), /no table at this link/);
    assert.match(linkProblemText(new TableError('forbidden', 'a voice channel')), /Discord voice channel/);
    assert.match(linkProblemText(new TableError('network', 'down')), /could not be reached/);
    assert.match(inviteProblemText(new TableError('forbidden', 'this join link is not valid or has expired')), /cannot be used: this join link is not valid or has expired\. Ask/);
    assert.match(inviteProblemText(new TableError('timeout', 'slow')), /could not be reached/);
  });
});

describe("the game masters' document, changed path by path", () => {
  const note = (id: string, text: string) => ({ id, text });
  const mark = { id: 'm1', pdfId: 'book', pageNum: 2, x: 0.5, y: 0.5, text: 'trapdoor' };

  it('a put adds an item or replaces the one of its id in place; a remove takes it out; the others stay as they were', () => {
    const start = { notes: [note('a', 'one'), note('b', 'two')], marks: [] };
    const next = applyGmChanges(start, [
      { op: 'put-note', note: note('a', 'one, typed on') },
      { op: 'put-note', note: note('c', 'three') },
      { op: 'put-mark', mark },
      { op: 'remove-note', id: 'b' },
    ]);
    assert.deepEqual(next, { notes: [note('a', 'one, typed on'), note('c', 'three')], marks: [mark] });
    assert.deepEqual(applyGmChanges(next, [{ op: 'remove-mark', id: 'm1' }, { op: 'remove-note', id: 'nobody' }]).marks, []);
    assert.deepEqual(start.notes.map((n) => n.text), ['one', 'two'], 'the document given is not changed');
  });

  it('past the limits nothing is applied and the error is too-large', () => {
    const full = { notes: Array.from({ length: 500 }, (_, i) => note(`n${i}`, '')), marks: [] };
    assert.throws(() => applyGmChanges(full, [{ op: 'put-note', note: note('one-more', '') }]), (error: unknown) => error instanceof ProtocolError && error.code === 'too-large');
    assert.equal(applyGmChanges(full, [{ op: 'put-note', note: note('n3', 'edited') }]).notes.length, 500, 'an edit of one of them is fine');
  });
});
