/**
 * Building well-formed labeled hash trees from (path, value) entries, and pruning them down
 * to the witness for a set of paths (what a `read_state` response or a certified query
 * response carries).
 */
import { bytesEqual, compareBytes } from './bytes.js';
import { CertificationError } from './errors.js';
import { empty, flattenForks, fork, labeled, leaf, pruned, reconstruct, type HashTree, type LabeledTree } from './hash-tree.js';

/** A path of labels and the value stored there. */
export type TreeEntry = [path: Uint8Array[], value: Uint8Array];

/**
 * Builds the hash tree holding `entries`: each path becomes nested labeled nodes ending in a
 * leaf. Sibling labels are sorted bytewise and joined by a balanced fork tree, so lookups and
 * absence proofs work. No entries yield the empty tree; a single entry with an empty path
 * yields a bare leaf.
 * @throws CertificationError `ERR_CONFLICTING_PATHS` if a path repeats or is a prefix of another.
 */
export function buildTree(entries: ReadonlyArray<readonly [path: readonly Uint8Array[], value: Uint8Array]>): HashTree {
  return buildLevel(
    entries.map(([path, value]) => ({ path, value })),
    0,
  );
}

interface PendingEntry {
  path: readonly Uint8Array[];
  value: Uint8Array;
}

function buildLevel(entries: PendingEntry[], depth: number): HashTree {
  const first = entries[0];
  if (first === undefined) return empty();
  if (first.path.length === depth) {
    if (entries.length > 1) throw conflict(first.path);
    return leaf(first.value);
  }
  const sorted = [...entries].sort((a, b) => compareBytes(labelAt(a, depth), labelAt(b, depth)));
  const children: LabeledTree[] = [];
  let start = 0;
  while (start < sorted.length) {
    const label = labelAt(sorted[start] as PendingEntry, depth);
    let end = start + 1;
    while (end < sorted.length && bytesEqual(labelAt(sorted[end] as PendingEntry, depth), label)) end++;
    children.push(labeled(label, buildLevel(sorted.slice(start, end), depth + 1)));
    start = end;
  }
  return balancedForks(children);
}

function labelAt(entry: PendingEntry, depth: number): Uint8Array {
  const label = entry.path[depth];
  if (label === undefined) throw conflict(entry.path);
  return label;
}

/** Joins `nodes` (in order) with a balanced tree of forks; none gives the empty tree. */
export function balancedForks(nodes: readonly HashTree[]): HashTree {
  if (nodes.length === 0) return empty();
  if (nodes.length === 1) return nodes[0] as HashTree;
  const mid = Math.ceil(nodes.length / 2);
  return fork(balancedForks(nodes.slice(0, mid)), balancedForks(nodes.slice(mid)));
}

function conflict(path: readonly Uint8Array[]): CertificationError {
  const shown = path.map((label) => Buffer.from(label).toString('hex')).join('/');
  return new CertificationError('ERR_CONFLICTING_PATHS', `path /${shown} repeats or is a prefix of another path`);
}

/**
 * Prunes `tree` to the witness for `paths`: every node off those paths becomes a pruned
 * node, so the root hash is unchanged. A requested path keeps its whole subtree (as
 * `read_state` does); a path that is absent keeps the labeled neighbours that prove its
 * absence. Include `['time']` among the paths to keep the certified time.
 */
export function prune(tree: HashTree, paths: ReadonlyArray<ReadonlyArray<Uint8Array>>): HashTree {
  if (paths.some((path) => path.length === 0)) return tree;
  if (paths.length === 0) return tree[0] === 4 ? tree : pruned(reconstruct(tree));
  if (tree[0] === 3 || tree[0] === 4) return tree; // a path runs past a leaf or into a pruned node

  // Which labeled children are needed, and with which remaining path suffixes.
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
      // Absent (or unknown): keep the neighbours on either side of the gap.
      const after = index < 0 ? children.length : index;
      want(after - 1, undefined);
      want(after, undefined);
    }
  }
  return rebuild(tree, wanted) ?? pruned(reconstruct(tree));
}

function rebuild(node: HashTree, wanted: ReadonlyMap<HashTree, Uint8Array[][]>): HashTree | undefined {
  switch (node[0]) {
    case 0:
      return node;
    case 1: {
      const left = rebuild(node[1], wanted);
      const right = rebuild(node[2], wanted);
      if (left === undefined && right === undefined) return undefined;
      return fork(left ?? prune(node[1], []), right ?? prune(node[2], []));
    }
    case 2: {
      const suffixes = wanted.get(node);
      return suffixes === undefined ? undefined : labeled(node[1], prune(node[2], suffixes));
    }
    default:
      return wanted.has(node) ? node : undefined;
  }
}
