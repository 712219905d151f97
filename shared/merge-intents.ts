import { z } from 'zod';
import { indexOfId } from './id-index';
import { deepEqual, isJsonObject, type JsonValue, type PathSegment } from './json';
import { PatchedArray, plainOf, type StoredValue } from './patched-array';

/** An object key, or the `id` of an item of an array whose items all carry one. */

/**
 * How an edit of one value merges with edits others made meanwhile (docs/protocol.md, M-rules):
 * `add` keeps a stepped number's step (both players' +1 count), `text` keeps the characters
 * the editor inserted and deleted. Values without an intent are atomic: the later edit wins.
 */
export type IntentOp = 'add' | 'text';

export interface Intent {
  /** From the top-level key down, object keys and array item ids. */
  path: PathSegment[];
  op: IntentOp;
}

export const MAX_INTENTS = 256;
const MAX_PATH_SEGMENTS = 16;

export const intentSchema = z.object({
  path: z
    .array(z.union([z.string().max(256), z.number().finite()]))
    .min(1)
    .max(MAX_PATH_SEGMENTS)
    .refine((path) => typeof path[0] === 'string', 'a path starts with a top-level key'),
  op: z.enum(['add', 'text']),
});

/** The intents of one top-level key as a tree that the merge walks along with the values. */
export interface IntentNode {
  op?: IntentOp;
  children?: Map<PathSegment, IntentNode>;
}

/** Groups intents by their top-level key; later intents for the same path replace earlier ones. */
export function intentTrees(intents: readonly Intent[]): Map<string, IntentNode> {
  const trees = new Map<string, IntentNode>();
  for (const { path, op } of intents) {
    const key = path[0] as string;
    let node = trees.get(key) ?? {};
    trees.set(key, node);
    for (const segment of path.slice(1)) {
      node.children ??= new Map();
      const child = node.children.get(segment) ?? {};
      node.children.set(segment, child);
      node = child;
    }
    node.op = op;
  }
  return trees;
}

/** The intents of a tree again, as a list with full paths (what travels on the wire). */
export function intentList(key: string, tree: IntentNode | undefined): Intent[] {
  const list: Intent[] = [];
  const walk = (node: IntentNode, path: PathSegment[]) => {
    if (node.op) list.push({ path, op: node.op });
    for (const [segment, child] of node.children ?? []) walk(child, [...path, segment]);
  };
  if (tree) walk(tree, [key]);
  return list;
}

export function childIntent(node: IntentNode | undefined, segment: PathSegment): IntentNode | undefined {
  return node?.children?.get(segment);
}

/** The value at `path` below `value` (object keys, item ids); undefined when it is not there. */
export function valueAt(value: StoredValue | undefined, path: readonly PathSegment[]): StoredValue | undefined {
  let current = value;
  for (const segment of path) {
    if (current instanceof PatchedArray) current = current.at(current.indexOfId(segment));
    else if (Array.isArray(current)) current = current[indexOfId(current, segment)];
    else if (isJsonObject(current) && typeof segment === 'string' && Object.hasOwn(current, segment)) current = current[segment];
    else return undefined;
  }
  return current;
}

/**
 * Folds a new edit's intents for one key into a batch's: a path the new edit changed without
 * naming an intent was typed over, so its earlier intent (a step, say) no longer holds.
 */
export function foldIntents(
  key: string,
  existing: IntentNode | undefined,
  before: StoredValue | undefined,
  after: StoredValue | undefined,
  added: readonly Intent[],
): IntentNode | undefined {
  const kept = intentList(key, existing).filter(
    ({ path }) => deepEqual(plainOf(valueAt(before, path.slice(1))), plainOf(valueAt(after, path.slice(1)))),
  );
  const merged = [...kept, ...added.filter((intent) => intent.path[0] === key)];
  return merged.length === 0 ? undefined : intentTrees(merged).get(key);
}
