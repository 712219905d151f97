import { deepEqual, isJsonObject, type JsonObject, type JsonValue } from './json';
import { childIntent, type IntentNode } from './merge-intents';
import { rebaseText } from './text-rebase';

type Maybe = JsonValue | undefined;
type Id = string | number;

/**
 * Three-way merge of one value: `base` is what the editor saw, `ours` what the document holds now,
 * `theirs` what the editor wants. Changes on either side are kept. Where both changed the same
 * value, `intents` says what the editor meant: a step of a number adds (M7), a text edit keeps
 * both sides' characters (M8); without an intent `theirs`, the later edit, wins (M2). Objects
 * merge key by key, arrays whose items all carry an `id` item by item (M1, M3, M4); an item
 * removed on either side stays removed (M9). Anything else is replaced whole (M5).
 * `undefined` means absent.
 */
export function merge3(base: Maybe, ours: Maybe, theirs: Maybe, intents?: IntentNode): Maybe {
  const intended = mergeByIntent(base, ours, theirs, intents?.op);
  if (intended !== undefined) return intended;
  // nobody else changed it: the user's value as it is (comparing a list of thousands item by item would say the same)
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
    const merged = merge3(own(base, key), own(ours, key), own(theirs, key), childIntent(intents, key));
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

function hasUniqueIds(items: JsonValue[]): boolean {
  const seen = new Set<Id>();
  for (const item of items) {
    const id = idOf(item);
    if (id === undefined || seen.has(id)) return false;
    seen.add(id);
  }
  return true;
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
    const item = merge3(baseMap.get(id), oursMap.get(id), theirsMap.get(id), childIntent(intents, id));
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
