import { crc32Append, crcPartOf, type CrcPart } from './crc32';

const COMMA = crcPartOf(',');

/**
 * A persistent treap of the canonical parts of a container's children, in canonical order
 * (array order, or object keys sorted). Each node keeps the CRC part of its subtree's parts joined
 * by commas, so changing, adding or removing one child recomputes only the nodes on its path:
 * O(log n) CRC appends, and the nodes off that path are shared with the older tree. Nodes hold
 * no values, only CRC parts (and object keys), so an old tree keeps no old state alive.
 */
export interface CrcNode {
  readonly left: CrcNode | null;
  readonly right: CrcNode | null;
  /** Heap order of the treap: random for added children, by height for a tree built whole. */
  readonly priority: number;
  readonly size: number;
  /** The object key of this child, by which object trees are searched; undefined in arrays. */
  readonly key: string | undefined;
  /** This child's own part: the item, or `"key":value`. */
  readonly part: CrcPart;
  /** The parts of the whole subtree joined by commas. */
  readonly joined: CrcPart;
}

export type CrcTree = CrcNode | null;

function makeNode(left: CrcTree, right: CrcTree, priority: number, key: string | undefined, part: CrcPart): CrcNode {
  let joined = part;
  if (left) joined = crc32Append(crc32Append(left.joined, COMMA), joined);
  if (right) joined = crc32Append(crc32Append(joined, COMMA), right.joined);
  return { left, right, priority, size: (left?.size ?? 0) + 1 + (right?.size ?? 0), key, part, joined };
}

function withChildren(node: CrcNode, left: CrcTree, right: CrcTree): CrcNode {
  return makeNode(left, right, node.priority, node.key, node.part);
}

function sizeOf(tree: CrcTree): number {
  return tree?.size ?? 0;
}

/**
 * A balanced tree of `parts` in O(n): priorities grow with height (plus a random fraction), so
 * later random-priority insertions settle low and the tree stays balanced.
 */
export function buildTree(parts: readonly CrcPart[], keys?: readonly string[]): CrcTree {
  const build = (from: number, to: number): { tree: CrcTree; height: number } => {
    if (from >= to) return { tree: null, height: 0 };
    const middle = (from + to) >>> 1;
    const left = build(from, middle);
    const right = build(middle + 1, to);
    const height = Math.max(left.height, right.height) + 1;
    const tree = makeNode(left.tree, right.tree, height + Math.random(), keys?.[middle], parts[middle] as CrcPart);
    return { tree, height };
  };
  return build(0, parts.length).tree;
}

/** [the first `count` children, the rest]. */
function split(tree: CrcTree, count: number): [CrcTree, CrcTree] {
  if (!tree) return [null, null];
  const leftSize = sizeOf(tree.left);
  if (count <= leftSize) {
    const [a, b] = split(tree.left, count);
    return [a, withChildren(tree, b, tree.right)];
  }
  const [a, b] = split(tree.right, count - leftSize - 1);
  return [withChildren(tree, tree.left, a), b];
}

function merge(a: CrcTree, b: CrcTree): CrcTree {
  if (!a) return b;
  if (!b) return a;
  if (a.priority > b.priority) return withChildren(a, a.left, merge(a.right, b));
  return withChildren(b, merge(a, b.left), b.right);
}

/** The tree with the child at `index` given `part`. */
export function setAt(tree: CrcTree, index: number, part: CrcPart): CrcTree {
  if (!tree) throw new RangeError(`no child at ${index}`);
  const leftSize = sizeOf(tree.left);
  if (index < leftSize) return withChildren(tree, setAt(tree.left, index, part), tree.right);
  if (index > leftSize) return withChildren(tree, tree.left, setAt(tree.right, index - leftSize - 1, part));
  return makeNode(tree.left, tree.right, tree.priority, tree.key, part);
}

/** The tree with a child of `part` (and `key`, in objects) inserted at `index`. */
export function insertAt(tree: CrcTree, index: number, part: CrcPart, key?: string): CrcTree {
  const [before, after] = split(tree, index);
  return merge(merge(before, makeNode(null, null, Math.random(), key, part)), after);
}

export function removeAt(tree: CrcTree, index: number): CrcTree {
  const [before, rest] = split(tree, index);
  return merge(before, split(rest, 1)[1]);
}

/** Where `key` is in an object tree (keys sorted by UTF-16 code units), and whether it is there. */
export function findKey(tree: CrcTree, key: string): { index: number; found: boolean } {
  let index = 0;
  let node = tree;
  while (node) {
    const nodeKey = node.key as string;
    if (key === nodeKey) return { index: index + sizeOf(node.left), found: true };
    if (key < nodeKey) node = node.left;
    else {
      index += sizeOf(node.left) + 1;
      node = node.right;
    }
  }
  return { index, found: false };
}
