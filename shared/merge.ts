import { deepEqual, isJsonObject, type JsonObject, type JsonValue } from './json';
import { childIntent, type IntentNode } from './merge-intents';
import { PatchedArray, plainOf, hasUniqueIds, type StoredValue } from './patched-array';
import { rebaseText } from './text-rebase';

type Maybe = JsonValue | undefined;
type Stored = StoredValue | undefined;
type Id = string | number;

/**
 * Three-way merge of one value: `base` is what the editor saw, `ours` what the document holds now,
 * `theirs` what the editor wants. Changes on either side are kept. Where both changed the same
 * value, `intents` says what the editor meant: a step of a number adds (M7), a text edit keeps
 * both sides' characters (M8); without an intent `theirs`, the later edit, wins (M2). Objects
 * merge key by key, arrays whose items all carry an `id` item by item (M1, M3, M4); an item
 * removed on either side stays removed (M9). Anything else is replaced whole (M5).
 * `undefined` means absent. A top-level list may be a PatchedArray (mergeStored).
 */
export function merge3(base: Maybe, ours: Maybe, theirs: Maybe, intents?: IntentNode): Maybe;
export function merge3(base: Stored, ours: Stored, theirs: Stored, intents?: IntentNode): Stored;
export function merge3(base: Stored, ours: Stored, theirs: Stored, intents?: IntentNode): Stored {
  // nobody else changed it: the user's value as it is (comparing a list of thousands item by item would say the same)
  if (ours === base) return theirs;
  if (base instanceof PatchedArray || ours instanceof PatchedArray || theirs instanceof PatchedArray) {
    return mergeReplaced(base, ours, theirs, intents) ?? mergePlain(plainOf(base), plainOf(ours), plainOf(theirs), intents);
  }
  return mergePlain(base, ours, theirs, intents);
}

function mergePlain(base: Maybe, ours: Maybe, theirs: Maybe, intents?: IntentNode): Maybe {
  const intended = mergeByIntent(base, ours, theirs, intents?.op);
  if (intended !== undefined) return intended;
  if (ours === base) return theirs;
  if (deepEqual(theirs, base)) return ours;
  if (deepEqual(ours, base)) return theirs;
  // two equal edits are one edit, unless an intent below says each counts (two +1s make +2)
  if (!intents?.children && deepEqual(ours, theirs)) return theirs;
  if (isJsonObject(ours) && isJsonObject(theirs)) {
    return mergeObjects(isJsonObject(base) ? base : {}, ours, theirs, intents);
  }
  if (Array.isArray(ours) && Array.isArray(theirs)) {
    const baseItems = Array.isArray(base) ? base : [];
    if (hasUniqueIds(baseItems) && hasUniqueIds(ours) && hasUniqueIds(theirs)) {
      return mergeById(baseItems, ours, theirs, intents);
    }
  }
  return theirs;
}

/**
 * The merge of three versions of a wide list with the same base, one at least a PatchedArray
 * (others replaced items of the list the user edited items of): the same ids stand at the same
 * places in all three, so mergeById comes down to merging the items at the places any of them
 * replaced, and the list is not walked. Undefined when they do not share a base, when ids
 * repeat (the list is then replaced whole, M5) or an item would go: merged as plain lists.
 */
function mergeReplaced(base: Stored, ours: Stored, theirs: Stored, intents: IntentNode | undefined): Stored {
  if (!isList(base) || !isList(ours) || !isList(theirs)) return undefined;
  const patched = [base, ours, theirs].find((list): list is PatchedArray => list instanceof PatchedArray) as PatchedArray;
  if (!patched.sharesBase(base) || !patched.sharesBase(ours) || !patched.sharesBase(theirs) || !patched.hasUniqueIds()) return undefined;
  const places = new Set<number>();
  for (const list of [base, ours, theirs]) if (list instanceof PatchedArray) for (const index of list.replacedIndices()) places.add(index);
  let merged: JsonValue[] | PatchedArray = ours;
  for (const index of [...places].sort((a, b) => a - b)) {
    const mine = ours.at(index) as JsonValue;
    const id = idOf(mine) as Id;
    const item = mergePlain(base.at(index), mine, theirs.at(index), childIntent(intents, id));
    if (item === undefined || idOf(item) !== id) return undefined;
    if (item !== mine) merged = PatchedArray.withItem(merged, index, item);
  }
  return merged;
}

function isList(value: Stored): value is JsonValue[] | PatchedArray {
  return Array.isArray(value) || value instanceof PatchedArray;
}

/** The merge an intent asks for, when the three values are of its kind; else undefined. */
function mergeByIntent(base: Maybe, ours: Maybe, theirs: Maybe, op: IntentNode['op']): Maybe {
  if (op === 'add' && typeof base === 'number' && typeof ours === 'number' && typeof theirs === 'number') {
    const sum = ours + (theirs - base);
    return Number.isFinite(sum) ? sum : theirs;
  }
  if (op === 'text' && typeof base === 'string' && typeof ours === 'string' && typeof theirs === 'string') {
    return rebaseText(base, ours, theirs);
  }
  return undefined;
}

function mergeObjects(base: JsonObject, ours: JsonObject, theirs: JsonObject, intents: IntentNode | undefined): JsonObject {
  const result: JsonObject = {};
  const keys = new Set([...Object.keys(ours), ...Object.keys(theirs), ...Object.keys(base)]);
  for (const key of keys) {
    const merged = mergePlain(own(base, key), own(ours, key), own(theirs, key), childIntent(intents, key));
    if (merged !== undefined) result[key] = merged;
  }
  return result;
}

function own(object: JsonObject, key: string): Maybe {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function idOf(item: JsonValue): Id | undefined {
  if (!isJsonObject(item)) return undefined;
  const id = item.id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

function byId(items: JsonValue[]): Map<Id, JsonValue> {
  return new Map(items.map((item) => [idOf(item) as Id, item]));
}

function mergeById(base: JsonValue[], ours: JsonValue[], theirs: JsonValue[], intents: IntentNode | undefined): JsonValue[] {
  const [baseMap, oursMap, theirsMap] = [byId(base), byId(ours), byId(theirs)];
  const merged = new Map<Id, JsonValue>();
  for (const id of new Set([...oursMap.keys(), ...theirsMap.keys()])) {
    // removed on either side: whoever removed it saw it, and an edit from the other side does not bring it back
    if (baseMap.has(id) && !(oursMap.has(id) && theirsMap.has(id))) continue;
    const item = mergePlain(baseMap.get(id), oursMap.get(id), theirsMap.get(id), childIntent(intents, id));
    if (item !== undefined) merged.set(id, item);
  }
  const oursOrder = [...oursMap.keys()];
  const theirsOrder = [...theirsMap.keys()];
  const order = reordered(base, theirsOrder) ? weave(theirsOrder, oursOrder) : weave(oursOrder, theirsOrder);
  return order.filter((id) => merged.has(id)).map((id) => merged.get(id) as JsonValue);
}

/** True when the items `order` shares with `base` are no longer in base's relative order. */
function reordered(base: JsonValue[], order: Id[]): boolean {
  const basePosition = new Map(base.map((item, index) => [idOf(item) as Id, index]));
  let last = -1;
  for (const id of order) {
    const position = basePosition.get(id);
    if (position === undefined) continue;
    if (position < last) return true;
    last = position;
  }
  return false;
}

/** `primary`'s order, with the ids only `secondary` has placed after their predecessor there. */
function weave(primary: Id[], secondary: Id[]): Id[] {
  const result = [...primary];
  const present = new Set(primary);
  let previous: Id | undefined;
  for (const id of secondary) {
    if (!present.has(id)) {
      const at = previous === undefined ? 0 : result.indexOf(previous) + 1;
      result.splice(at, 0, id);
      present.add(id);
    }
    previous = id;
  }
  return result;
}
