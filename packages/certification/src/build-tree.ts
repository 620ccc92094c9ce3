/**
 * Building well-formed labeled hash trees from (path, value) entries.
 */
import { bytesEqual, compareBytes } from './bytes.js';
import { CertificationError } from './errors.js';
import { empty, fork, labeled, leaf, type HashTree, type LabeledTree } from './hash-tree.js';

/** A path of labels and the value stored there. */
export type TreeEntry = [path: Uint8Array[], value: Uint8Array];

/**
 * Builds the hash tree holding `entries`: each path becomes nested labeled nodes ending in a
 * leaf. Sibling labels are sorted bytewise and joined by a balanced fork tree, so lookups and
 * absence proofs work. No entries yield the empty tree; a single entry with an empty path
 * yields a bare leaf.
 * @throws CertificationError `ERR_CONFLICTING_PATHS` if a path repeats or is a prefix of another.
 */
export function buildTree(
  entries: ReadonlyArray<readonly [path: readonly Uint8Array[], value: Uint8Array]>,
): HashTree {
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
    while (end < sorted.length && bytesEqual(labelAt(sorted[end] as PendingEntry, depth), label))
      end++;
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
  return new CertificationError(
    'ERR_CONFLICTING_PATHS',
    `path /${shown} repeats or is a prefix of another path`,
  );
}
