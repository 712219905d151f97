import { canonicalJson } from './canonical-json';
import { crc32Append, crcPartOf, type CrcPart } from './crc32';
import { buildTree, findKey, insertAt, removeAt, setAt, type CrcTree } from './crc-tree';
import type { JsonObject, JsonValue } from './json';
import { PatchedArray, patchedSourceOf, type StoredValue } from './patched-array';

/**
 * The CRC-32 and byte length of the canonical JSON of any value (the contract's canonical form),
 * cached per object and array by identity. State values are never mutated (patches copy only the
 * touched path, shared/immutable-patch.ts), so a value measured once keeps its part: a new
 * container re-measures only its new children. A wide container keeps its children's parts in a
 * balanced tree (shared/crc-tree.ts), and a copy made from it by a few edits (recordArrayEdit,
 * recordObjectEdit) derives its tree from the old one: one changed child costs O(log n).
 */

/** Containers with at most this many children are joined directly: a tree would cost more than it saves. */
const WIDE = 32;

export type ArrayStep = { op: 'set' | 'insert'; index: number; value: JsonValue } | { op: 'remove'; index: number };
/** Sets `key` to `value`, or removes it when `value` is undefined. */
export interface ObjectStep {
  key: string;
  value: JsonValue | undefined;
}

type ArrayValue = JsonValue[] | PatchedArray;
type Derivation = { from: ArrayValue; steps: readonly ArrayStep[] } | { from: JsonObject; steps: readonly ObjectStep[] };

const parts = new WeakMap<object, CrcPart>();
const trees = new WeakMap<object, CrcTree>();
const derivations = new WeakMap<object, Derivation>();

const OPEN_ARRAY = crcPartOf('[');
const CLOSE_ARRAY = crcPartOf(']');
const OPEN_OBJECT = crcPartOf('{');
const CLOSE_OBJECT = crcPartOf('}');
const COMMA = crcPartOf(',');

/** CRC part of the canonical JSON of `value`. */
export function canonicalPart(value: StoredValue | undefined): CrcPart {
  if (value === null || typeof value !== 'object') return crcPartOf(JSON.stringify(value) ?? 'null');
  let part = parts.get(value);
  if (!part) {
    part = containerPart(value);
    parts.set(value, part);
    derivations.delete(value);
  }
  return part;
}

/** CRC part of `"key":value`, as a member of an object. */
export function memberPart(key: string, value: StoredValue): CrcPart {
  return crc32Append(keyPart(key), canonicalPart(value));
}

/** Says that `to` is `from` with `steps` applied in order: measuring `to` then costs what the steps changed. */
export function recordArrayEdit(from: ArrayValue, to: ArrayValue, steps: readonly ArrayStep[]): void {
  if (from.length > WIDE && from !== to) derivations.set(to, { from, steps });
}

/** Says that `to` is `from` with `steps` applied (see recordArrayEdit). */
export function recordObjectEdit(from: JsonObject, to: JsonObject, steps: readonly ObjectStep[]): void {
  if (from !== to && Object.keys(to).length > WIDE) derivations.set(to, { from, steps });
}

function containerPart(value: ArrayValue | JsonObject): CrcPart {
  // always wide, and made by an edit that recorded its derivation
  if (value instanceof PatchedArray) return wrap(true, treeOf(value)?.joined);
  const isArray = Array.isArray(value);
  const width = isArray ? value.length : Object.keys(value).length;
  if (width <= WIDE && !derivations.has(value)) {
    if (isFlat(value)) return crcPartOf(canonicalJson(value));
    const children = isArray ? value.map(canonicalPart) : sortedMembers(value).parts;
    return wrap(isArray, children.reduce<CrcPart | undefined>((joined, child) => (joined ? crc32Append(crc32Append(joined, COMMA), child) : child), undefined));
  }
  return wrap(isArray, treeOf(value)?.joined);
}

function wrap(isArray: boolean, inner: CrcPart | undefined): CrcPart {
  const [open, close] = isArray ? [OPEN_ARRAY, CLOSE_ARRAY] : [OPEN_OBJECT, CLOSE_OBJECT];
  return crc32Append(inner ? crc32Append(open, inner) : open, close);
}

/** True when no child is a container: one serialization then costs less than combining parts. */
function isFlat(value: JsonValue[] | JsonObject): boolean {
  for (const child of Object.values(value)) if (typeof child === 'object' && child !== null) return false;
  return true;
}

function treeOf(value: ArrayValue | JsonObject): CrcTree {
  if (trees.has(value)) return trees.get(value) as CrcTree;
  const derivation = derivations.get(value);
  let tree: CrcTree;
  if (derivation && isArrayValue(derivation.from)) tree = applyArraySteps(treeOf(derivation.from), derivation.steps as ArrayStep[]);
  else if (derivation) tree = applyObjectSteps(treeOf(derivation.from as JsonObject), derivation.steps as ObjectStep[]);
  else if (value instanceof PatchedArray) tree = treeOf(value.toArray());
  else if (Array.isArray(value)) {
    // a PatchedArray made plain has the same children: its tree is already known
    const source = patchedSourceOf(value);
    tree = source ? treeOf(source) : buildTree(value.map(canonicalPart));
  }
  else {
    const members = sortedMembers(value);
    tree = buildTree(members.parts, members.keys);
  }
  trees.set(value, tree);
  return tree;
}

function isArrayValue(value: ArrayValue | JsonObject): value is ArrayValue {
  return Array.isArray(value) || value instanceof PatchedArray;
}

function applyArraySteps(tree: CrcTree, steps: readonly ArrayStep[]): CrcTree {
  for (const step of steps) {
    if (step.op === 'remove') tree = removeAt(tree, step.index);
    else if (step.op === 'insert') tree = insertAt(tree, step.index, canonicalPart(step.value));
    else tree = setAt(tree, step.index, canonicalPart(step.value));
  }
  return tree;
}

function applyObjectSteps(tree: CrcTree, steps: readonly ObjectStep[]): CrcTree {
  for (const { key, value } of steps) {
    const { index, found } = findKey(tree, key);
    if (value === undefined) {
      if (found) tree = removeAt(tree, index);
    } else if (found) tree = setAt(tree, index, memberPart(key, value));
    else tree = insertAt(tree, index, memberPart(key, value), key);
  }
  return tree;
}

function sortedMembers(value: JsonObject): { keys: string[]; parts: CrcPart[] } {
  const keys = Object.keys(value)
    .filter((key) => value[key] !== undefined)
    .sort();
  return { keys, parts: keys.map((key) => memberPart(key, value[key] as JsonValue)) };
}

/** `"key":` parts of recent keys: the same few field names recur in every item. */
const keyParts = new Map<string, CrcPart>();
const MAX_KEY_PARTS = 4096;

function keyPart(key: string): CrcPart {
  let part = keyParts.get(key);
  if (!part) {
    if (keyParts.size >= MAX_KEY_PARTS) keyParts.clear();
    part = crcPartOf(`${JSON.stringify(key)}:`);
    keyParts.set(key, part);
  }
  return part;
}
