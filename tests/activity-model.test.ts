import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import type { JsonObject, JsonValue } from '../shared/json';
import { merge3 } from '../shared/merge';
import { plainOf } from '../shared/patched-array';
import { intentTrees } from '../shared/merge-intents';
import { addPossession, addStat, newCharacter, readCharacters, removeStat, setPurse, setStatLabel, setStatScore, setText, stepPurse, stepStat } from '../activity/src/model/characters';
import { appendItem, itemReader, itemsOf, readItems, replaceItem, wholeNumber, type Item } from '../activity/src/model/collection';
import { connectionLabel } from '../activity/src/model/connection-label';
import { readCounters, renameCounter, setCounter, stepCounter } from '../activity/src/model/counters';
import { readDiceLog } from '../activity/src/model/dice-log';
import { itemUpdate, listUpdate, type ListUpdate } from '../activity/src/model/lists';
import { readNotes, setNoteText } from '../activity/src/model/notes';
import { forgetIdentity, loadIdentity, saveIdentity } from '../activity/src/platform/guest-identity';
import { detectPlatform, sessionFromLocation, tableLink } from '../activity/src/platform/platform';

describe('activity model: shared lists', () => {
  it('reads only objects with a unique string id', () => {
    const items = itemsOf([{ id: 'a' }, { id: 1 }, null, 'x', { id: 'a', dup: true }, { id: 'b' }] as never);
    assert.deepEqual(items, [{ id: 'a' }, { id: 'b' }]);
    assert.deepEqual(itemsOf(undefined), []);
    assert.deepEqual(itemsOf({ id: 'not a list' }), []);
  });

  it('an edit of one item leaves every other item untouched, to the reference', () => {
    const list: Item[] = [{ id: 'a', n: 1 }, { id: 'b', n: 2 }];
    const next = replaceItem(list, 'b', (item) => ({ ...item, n: 3, id: 'hijacked' }));
    assert.equal(next[0], list[0]);
    assert.deepEqual(next[1], { id: 'b', n: 3 }, 'the id cannot be changed by an edit');
  });

  it('sends the whole list under its key with the debounce kind of its list', () => {
    const state: JsonObject = { characters: [{ id: 'c1', name: 'Ayla' }], counters: [{ id: 't', value: 1 }] };
    assert.deepEqual(
      listUpdate(state, 'counters', (list) => appendItem(list, { id: 'u', value: 0 })),
      { updates: { counters: [{ id: 't', value: 1 }, { id: 'u', value: 0 }] }, kind: 'counter', intents: [] },
    );
    assert.equal(listUpdate(state, 'characters', (l) => l).kind, 'sheet');
    assert.equal(listUpdate(state, 'notes', (l) => l).kind, 'notes');
  });

  it('two players editing different sheets from the same state both keep their edit once merged', () => {
    const base: JsonObject = { characters: [newCharacter('Ayla'), newCharacter('Bron')] };
    const [ayla, bron] = itemsOf(base.characters) as [Item, Item];
    const skill = itemsOf(ayla.stats)[0] as Item;
    const fromA = itemUpdate(base, 'characters', ayla.id, (c) => setStatScore(c, skill.id, 'value', 11));
    const fromB = itemUpdate(base, 'characters', bron.id, (c) => setPurse(c, 'gold', 30));
    // the server applied A's edit first; B's, made from the same base, is merged on top
    const merged = merge3(base.characters, fromA?.updates.characters, fromB?.updates.characters);
    const [a, b] = readCharacters(merged);
    assert.equal(a?.stats[0]?.value, 11);
    assert.equal(b?.gold, 30);
  });
});

describe('activity model: intents of the edits', () => {
  const counter = { id: 'c1', label: 'Time', value: 5 };
  const state: JsonObject = { counters: [counter], notes: [{ id: 'n1', text: 'the map', author: 'A' }] };
  const sheet = newCharacter('Ayla');
  const skill = itemsOf(sheet.stats)[0] as Item;
  const sheets: JsonObject = { characters: [sheet] };
  const intentsOf = (update: ListUpdate | null) => update?.intents;

  it('a − / + click says it stepped that number; a number typed in says nothing (it is set)', () => {
    assert.deepEqual(intentsOf(itemUpdate(state, 'counters', 'c1', (c) => stepCounter(c, 1))), [{ path: ['counters', 'c1', 'value'], op: 'add' }]);
    assert.deepEqual(intentsOf(itemUpdate(state, 'counters', 'c1', (c) => setCounter(c, 9))), []);
    assert.deepEqual(intentsOf(itemUpdate(sheets, 'characters', sheet.id, (c) => stepStat(c, skill.id, -1))), [
      { path: ['characters', sheet.id, 'stats', skill.id, 'value'], op: 'add' },
    ]);
    assert.deepEqual(intentsOf(itemUpdate(sheets, 'characters', sheet.id, (c) => stepPurse(c, 'gold', 1))), [{ path: ['characters', sheet.id, 'gold'], op: 'add' }]);
    assert.deepEqual(intentsOf(itemUpdate(sheets, 'characters', sheet.id, (c) => setPurse(c, 'provisions', 4))), []);
    assert.deepEqual(intentsOf(itemUpdate(sheets, 'characters', sheet.id, (c) => setStatScore(c, skill.id, 'initial', 12))), []);
  });

  it('typing into a free-text field says it is text', () => {
    assert.deepEqual(intentsOf(itemUpdate(state, 'notes', 'n1', (n) => setNoteText(n, 'the old map'))), [{ path: ['notes', 'n1', 'text'], op: 'text' }]);
    assert.deepEqual(intentsOf(itemUpdate(state, 'counters', 'c1', (c) => renameCounter(c, 'Hours'))), [{ path: ['counters', 'c1', 'label'], op: 'text' }]);
    assert.deepEqual(intentsOf(itemUpdate(sheets, 'characters', sheet.id, (c) => setText(c, 'name', 'Ayla the Wise'))), [{ path: ['characters', sheet.id, 'name'], op: 'text' }]);
    assert.deepEqual(intentsOf(itemUpdate(sheets, 'characters', sheet.id, (c) => setText(c, 'notes', 'codeword'))), [{ path: ['characters', sheet.id, 'notes'], op: 'text' }]);
    assert.deepEqual(intentsOf(itemUpdate(sheets, 'characters', sheet.id, (c) => setStatLabel(c, skill.id, 'Skill!'))), [
      { path: ['characters', sheet.id, 'stats', skill.id, 'label'], op: 'text' },
    ]);
  });

  it('an item edit sends the whole list with only that item changed, and nothing once the item is gone', () => {
    const update = itemUpdate(state, 'counters', 'c1', (c) => stepCounter(c, 2));
    assert.deepEqual(update?.updates, { counters: [{ id: 'c1', label: 'Time', value: 7 }] });
    assert.equal(update?.kind, 'counter');
    assert.equal(itemUpdate(state, 'counters', 'gone', (c) => stepCounter(c, 1)), null);
  });

  it('the purse steps never below zero', () => {
    assert.equal(stepPurse({ ...sheet, gold: 0 }, 'gold', -1).item.gold, 0);
  });

  it('with their intents, two players stepping one counter both count, and two typing in one note both keep their words', () => {
    const merged = (a: ListUpdate | null, b: ListUpdate | null, key: string) =>
      merge3(state[key], a?.updates[key], b?.updates[key], intentTrees(b?.intents ?? []).get(key));
    const steps = [3, -1].map((step) => itemUpdate(state, 'counters', 'c1', (c) => stepCounter(c, step)));
    assert.deepEqual(readCounters(merged(steps[0] ?? null, steps[1] ?? null, 'counters')).at(0)?.value, 7);
    const typing = ['old: the map', 'the map is torn'].map((text) => itemUpdate(state, 'notes', 'n1', (n) => setNoteText(n, text)));
    assert.deepEqual(itemsOf(plainOf(merged(typing[0] ?? null, typing[1] ?? null, 'notes')))[0]?.text, 'old: the map is torn');
  });
});

describe('activity model: sheets, counters, dice log', () => {
  it('a new sheet has the classic scores, and stats and possessions can be added and removed', () => {
    let sheet = newCharacter('Ayla') as JsonObject;
    const read = () => readCharacters([sheet]).at(0);
    assert.deepEqual(read()?.stats.map((s) => s.label), ['Skill', 'Stamina', 'Luck']);
    sheet = addStat(sheet as Item, 'Honour').item;
    const honour = read()?.stats[3];
    assert.deepEqual([honour?.label, honour?.initial], ['Honour', null]);
    sheet = setStatScore(sheet as Item, honour?.id ?? '', 'value', 4).item;
    assert.equal(read()?.stats[3]?.value, 4);
    sheet = removeStat(sheet as Item, honour?.id ?? '').item;
    assert.equal(read()?.stats.length, 3);
    sheet = addPossession(sheet as Item, 'Lantern').item;
    assert.deepEqual(read()?.inventory.map((p) => p.text), ['Lantern']);
  });

  it('shows a sheet someone wrote oddly with defaults instead of failing', () => {
    const [odd] = readCharacters([{ id: 'x', name: 7, gold: 'lots', stats: [{ id: 's', label: 'Skill', value: 'high' }, 'junk'], inventory: 'none' }]);
    assert.deepEqual(odd, { id: 'x', name: '', gold: 0, provisions: 0, notes: '', stats: [{ id: 's', label: 'Skill', value: 0 }], inventory: [] });
  });

  it('counters move by steps from their current value, clamped to whole numbers', () => {
    assert.deepEqual(stepCounter({ id: 't', label: 'Time', value: 2 }, -3).item, { id: 't', label: 'Time', value: -1 });
    assert.deepEqual(stepCounter({ id: 't', value: 'bad' }, 1).item, { id: 't', value: 1 });
    assert.deepEqual(readCounters([{ id: 't', value: 5 }]), [{ id: 't', label: '', value: 5 }]);
    assert.equal(wholeNumber(Number.NaN, 7), 7);
    assert.equal(wholeNumber(-5.7, 0, 0), 0);
    assert.equal(wholeNumber(3.9, 0), 3);
  });

  it('lists rolls newest first and skips entries that are not rolls', () => {
    const roll = (id: string, at: number) => ({ id, at, expression: '1d6', by: { id: 'u', name: 'U' }, groups: [{ sign: 1, sides: 6, results: [4] }], modifier: 0, total: 4 });
    const log = readDiceLog([roll('old', 1), { id: 'fake', total: 12 }, roll('new', 2)]);
    assert.deepEqual(log.map((r) => r.id), ['new', 'old']);
  });
});

describe('activity platform and status', () => {
  it('tells Discord from a browser by the query Discord adds', () => {
    assert.deepEqual(detectPlatform('?frame_id=f1&instance_id=i1&platform=desktop'), { kind: 'discord', frameId: 'f1', instanceId: 'i1' });
    assert.deepEqual(detectPlatform('?frame_id=f1'), { kind: 'browser' });
    assert.deepEqual(detectPlatform(''), { kind: 'browser' });
  });

  it('finds the table of a join link in either form, and refuses malformed ids', () => {
    assert.equal(sessionFromLocation('/t/abc_DEF-1', ''), 'abc_DEF-1');
    assert.equal(sessionFromLocation('/', '?session=xyz'), 'xyz');
    assert.equal(sessionFromLocation('/', ''), null);
    assert.equal(sessionFromLocation('/t/bad%20id', ''), null);
    assert.equal(sessionFromLocation('/', '?session=../../etc'), null);
    assert.equal(tableLink('https://table.example', 'abc'), 'https://table.example/t/abc');
  });

  it('says when edits wait and the connection is gone', () => {
    assert.deepEqual(connectionLabel('offline', 2), { tone: 'bad', text: 'Offline, reconnecting · 2 edits waiting' });
    assert.deepEqual(connectionLabel('offline', 1).text, 'Offline, reconnecting · 1 edit waiting');
    assert.deepEqual(connectionLabel('connected', 0), { tone: 'good', text: 'In sync' });
    assert.equal(connectionLabel('catching-up', 0).tone, 'busy');
  });

  it('keeps the guest identity across reloads and ignores a damaged one', () => {
    const data = new Map<string, string>();
    const storage = {
      getItem: (key: string) => data.get(key) ?? null,
      setItem: (key: string, value: string) => void data.set(key, value),
      removeItem: (key: string) => void data.delete(key),
    } as Storage;
    assert.equal(loadIdentity(storage), null);
    const identity = { token: 't.sig', user: { id: 'guest:1', name: 'Ayla' } };
    saveIdentity(storage, identity);
    assert.deepEqual(loadIdentity(storage), identity);
    data.set([...data.keys()][0] as string, '{not json');
    assert.equal(loadIdentity(storage), null);
    forgetIdentity(storage);
    assert.equal(data.size, 0);
  });
});

describe('activity model: readers keep identity (issue 12, what re-renders)', () => {
  const note = (id: string, text = id) => ({ id, text, author: 'Ayla' });

  it('W1: the same raw list reads as the same array, an unchanged raw item as the same object, a changed one anew', () => {
    const before: JsonValue[] = [note('a'), note('b'), note('c')];
    const first = readNotes(before);
    assert.equal(readNotes(before), first);
    const after = [before[0], note('b', 'edited'), before[2]] as JsonValue[];
    const second = readNotes(after);
    assert.notEqual(second, first);
    assert.equal(second.at(0), first.at(0));
    assert.equal(second.at(2), first.at(2));
    assert.deepEqual(second.at(1), note('b', 'edited'));
    // what was read before is left as it was: a component may still show it
    assert.deepEqual(first.at(1), note('b'));
  });

  it('W2: a list edited in place reads like a list read whole, with its skipped and repeated items', () => {
    const twice = note('t');
    const odd = [note('a'), { id: 7 }, note('a', 'again'), note('b'), 'junk', note('c'), twice, twice] as JsonValue[];
    assert.deepEqual(readNotes(odd), [note('a'), note('b'), note('c'), note('t')]);
    const edits: Array<(list: JsonValue[]) => JsonValue[]> = [
      (list) => list.map((item, i) => (i === 3 ? note('b', 'edited') : item)),
      // the repeat of a changes, the first a still wins
      (list) => list.map((item, i) => (i === 2 ? note('a', 'edited again') : item)),
      // an item takes another id: the ids must be checked again
      (list) => list.map((item, i) => (i === 5 ? note('a', 'now a repeat') : item)),
      (list) => list.map((item, i) => (i === 1 ? note('d') : item)),
      // the second place of an object that stood twice: a repeat, still not shown
      (list) => list.map((item, i) => (i === 7 ? note('t', 'the repeat edited') : item)),
      (list) => [...list, note('e')],
      (list) => list.slice(1),
    ];
    const shape = z.object({ id: z.string(), text: z.string(), author: z.string() });
    const incremental = itemReader(shape);
    let list = odd;
    incremental(list);
    for (const edit of edits) {
      list = edit(list);
      assert.deepEqual([...incremental(list)], readItems(list, shape), JSON.stringify(list));
    }
  });
});
