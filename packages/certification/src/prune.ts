/**
 * Pruning a hash tree down to the witness for a set of paths (what a `read_state` response or
 * a certified query response carries). Each level is searched down its forks, so a witness
 * costs O(paths × depth), not the size of the tree: a state tree with 10,000 request
 * statuses prunes as fast as one with ten.
 */
import { bytesEqual, compareBytes } from './bytes.js';
import {
  flattenForks,
  fork,
  labeled,
  pruned,
  reconstruct,
  type HashTree,
  type LabeledTree,
  type TreeHasher,
} from './hash-tree.js';

/**
 * Prunes `tree` to the witness for `paths`: every node off those paths becomes a pruned
 * node, so the root hash is unchanged. A requested path keeps its whole subtree (as
 * `read_state` does); a path that is absent keeps the labeled neighbours that prove its
 * absence. Include `['time']` among the paths to keep the certified time. `hash` computes
 * the hashes of pruned nodes; pass a {@link createTreeHasher} for a tree pruned many times.
 */
export function prune(
  tree: HashTree,
  paths: ReadonlyArray<ReadonlyArray<Uint8Array>>,
  hash: TreeHasher = reconstruct,
): HashTree {
  if (paths.some((path) => path.length === 0)) return tree;
  if (paths.length === 0) return tree[0] === 4 ? tree : pruned(hash(tree));
  if (tree[0] === 3 || tree[0] === 4) return tree; // a path runs past a leaf or into a pruned node

  // The labeled nodes of this level to keep, with the path suffixes below each, and the
  // forks on the way to them.
  const keep = new Map<LabeledTree, Uint8Array[][]>();
  const forks = new Set<HashTree>();
  // False when the level holds pruned nodes, which only the linear walk can search.
  const want = (node: LabeledTree, suffix: Uint8Array[] | undefined): boolean => {
    const suffixes = keep.get(node);
    if (suffixes !== undefined) {
      if (suffix !== undefined) suffixes.push(suffix);
      return true;
    }
    const route = search(tree, node[1]);
    if (route === undefined) return false;
    keep.set(node, suffix === undefined ? [] : [suffix]);
    for (const on of route.forks) forks.add(on);
    return true;
  };
  for (const path of paths) {
    const label = path[0] as Uint8Array;
    const found = search(tree, label);
    if (found === undefined) return pruneLinear(tree, paths, hash);
    const { node, before, after } = found;
    const ok =
      node !== undefined && bytesEqual(node[1], label)
        ? want(node, path.slice(1))
        : // Absent: keep the neighbours on either side of the gap.
          (before === undefined || want(before, undefined)) &&
          (after === undefined || want(after, undefined));
    if (!ok) return pruneLinear(tree, paths, hash);
  }
  return rebuild(tree, keep, forks, hash);
}

interface Search {
  /** The node reached: the last label ≤ the searched one, or the first label of the level. */
  readonly node: LabeledTree | undefined;
  /** The labeled node just below the searched label, when it is absent. */
  readonly before: LabeledTree | undefined;
  /** The labeled node just above the searched label, when it is absent. */
  readonly after: LabeledTree | undefined;
  readonly forks: HashTree[];
}

/**
 * Walks down the forks of one level towards `label`. Returns undefined when the level holds
 * anything but forks, labeled nodes and empty trees (a tree pruned before), which the linear
 * walk handles.
 */
function search(level: HashTree, label: Uint8Array): Search | undefined {
  const forks: HashTree[] = [];
  let node = level;
  let before: LabeledTree | undefined; // last label of the deepest left branch passed on the right
  let after: LabeledTree | undefined; // first label of the deepest right branch passed on the left
  while (node[0] === 1) {
    forks.push(node);
    const [, left, right] = node;
    const first = edge(right, 'first');
    if (first === null) return undefined;
    if (first === undefined) {
      node = left;
      continue;
    }
    if (compareBytes(label, first[1]) >= 0) {
      const last = edge(left, 'last');
      if (last === null) return undefined;
      if (last !== undefined) before = last;
      node = right;
    } else {
      after = first;
      node = left;
    }
  }
  if (node[0] === 0) return { node: undefined, before, after, forks };
  if (node[0] !== 2) return undefined;
  const order = compareBytes(node[1], label);
  if (order === 0) return { node, before: undefined, after: undefined, forks };
  return order < 0 ? { node, before: node, after, forks } : { node, before, after: node, forks };
}

/** The first or last labeled node under `tree`'s forks; undefined if none, null if not a label level. */
function edge(tree: HashTree, which: 'first' | 'last'): LabeledTree | undefined | null {
  let node = tree;
  while (node[0] === 1) {
    const [, left, right] = node;
    if (which === 'first') node = left[0] === 0 ? right : left;
    else node = right[0] === 0 ? left : right;
  }
  if (node[0] === 0) return undefined;
  return node[0] === 2 ? node : null;
}

function rebuild(
  node: HashTree,
  keep: ReadonlyMap<LabeledTree, Uint8Array[][]>,
  forks: ReadonlySet<HashTree>,
  hash: TreeHasher,
): HashTree {
  switch (node[0]) {
    case 0:
      return node;
    case 1:
      return forks.has(node)
        ? fork(rebuild(node[1], keep, forks, hash), rebuild(node[2], keep, forks, hash))
        : pruned(hash(node));
    case 2: {
      const suffixes = keep.get(node);
      return suffixes === undefined
        ? pruned(hash(node))
        : labeled(node[1], prune(node[2], suffixes, hash));
    }
    default:
      return node[0] === 4 ? node : pruned(hash(node));
  }
}

/** The witness by a walk over every node of the level, for levels holding pruned nodes. */
function pruneLinear(
  tree: HashTree,
  paths: ReadonlyArray<ReadonlyArray<Uint8Array>>,
  hash: TreeHasher,
): HashTree {
  const children = flattenForks(tree);
  const wanted = new Map<HashTree, Uint8Array[][]>();
  const want = (index: number, suffix: Uint8Array[] | undefined): void => {
    const node = children[index];
    if (node === undefined) return;
    const suffixes = wanted.get(node) ?? [];
    if (suffix !== undefined) suffixes.push(suffix);
    wanted.set(node, suffixes);
  };
  for (const path of paths) {
    const label = path[0] as Uint8Array;
    const index = children.findIndex((node) => node[0] === 2 && compareBytes(node[1], label) >= 0);
    const at = children[index];
    if (at !== undefined && at[0] === 2 && bytesEqual(at[1], label)) {
      want(index, path.slice(1));
    } else {
      const gap = index < 0 ? children.length : index;
      want(gap - 1, undefined);
      want(gap, undefined);
    }
  }
  return rebuildLinear(tree, wanted, hash) ?? pruned(hash(tree));
}

function rebuildLinear(
  node: HashTree,
  wanted: ReadonlyMap<HashTree, Uint8Array[][]>,
  hash: TreeHasher,
): HashTree | undefined {
  switch (node[0]) {
    case 0:
      return node;
    case 1: {
      const left = rebuildLinear(node[1], wanted, hash);
      const right = rebuildLinear(node[2], wanted, hash);
      if (left === undefined && right === undefined) return undefined;
      return fork(left ?? prune(node[1], [], hash), right ?? prune(node[2], [], hash));
    }
    case 2: {
      const suffixes = wanted.get(node);
      return suffixes === undefined ? undefined : labeled(node[1], prune(node[2], suffixes, hash));
    }
    default:
      return wanted.has(node) ? node : undefined;
  }
}
