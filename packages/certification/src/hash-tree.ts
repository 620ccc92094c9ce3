/**
 * The IC's hash trees (certification section of the interface spec), in their CBOR array
 * form: `[0]` empty, `[1, left, right]` fork, `[2, label, subtree]` labeled, `[3, value]` leaf,
 * `[4, hash]` pruned. Root hashes use the spec's domain separators.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { compareBytes, concatBytes, utf8 } from './bytes.js';
import { CertificationError } from './errors.js';

/** `[0]`: a tree with no labels. */
export type EmptyTree = [0];
/** `[1, left, right]`: two trees side by side; labels of `left` sort before those of `right`. */
export type ForkTree = [1, HashTree, HashTree];
/** `[2, label, subtree]`: `subtree` under one label. */
export type LabeledTree = [2, Uint8Array, HashTree];
/** `[3, value]`: a certified value. */
export type LeafTree = [3, Uint8Array];
/** `[4, hash]`: a subtree replaced by its 32-byte root hash. */
export type PrunedTree = [4, Uint8Array];
/** A hash tree in the spec's CBOR array form. */
export type HashTree = EmptyTree | ForkTree | LabeledTree | LeafTree | PrunedTree;

/** Node tags of {@link HashTree}. */
export const NodeTag = { Empty: 0, Fork: 1, Labeled: 2, Leaf: 3, Pruned: 4 } as const;

/** The empty tree. */
export const empty = (): EmptyTree => [0];
/** A fork of two trees. */
export const fork = (left: HashTree, right: HashTree): ForkTree => [1, left, right];
/** A labeled subtree; `label` may be given as text (UTF-8). */
export const labeled = (label: Uint8Array | string, subtree: HashTree): LabeledTree => [
  2,
  typeof label === 'string' ? utf8(label) : label,
  subtree,
];
/** A leaf holding `value`. */
export const leaf = (value: Uint8Array): LeafTree => [3, value];
/** A pruned subtree with the given root hash. */
export const pruned = (hash: Uint8Array): PrunedTree => [4, hash];

/** `len(s) || s`: the spec's domain separator for hashing. */
export function domainSeparator(name: string): Uint8Array {
  const bytes = utf8(name);
  return concatBytes(Uint8Array.of(bytes.length), bytes);
}

const EMPTY_SEP = domainSeparator('ic-hashtree-empty');
const FORK_SEP = domainSeparator('ic-hashtree-fork');
const LABELED_SEP = domainSeparator('ic-hashtree-labeled');
const LEAF_SEP = domainSeparator('ic-hashtree-leaf');

/**
 * The root hash of `tree` (the spec's `reconstruct`): pruned nodes contribute their stored
 * hash, so pruning a tree never changes its root hash.
 */
export function reconstruct(tree: HashTree): Uint8Array {
  return hashNode(tree, reconstruct);
}

/** Computes a tree's root hash. */
export type TreeHasher = (tree: HashTree) => Uint8Array;

/**
 * A {@link reconstruct} that remembers the hash of every node it has seen, by identity. For
 * trees that are never mutated and share unchanged subtrees between versions (a state tree
 * rebuilt once per round): hashing the next version costs only its new nodes.
 */
export function createTreeHasher(): TreeHasher {
  const memo = new WeakMap<HashTree, Uint8Array>();
  const hash = (tree: HashTree): Uint8Array => {
    let known = memo.get(tree);
    if (known === undefined) {
      known = hashNode(tree, hash);
      memo.set(tree, known);
    }
    return known;
  };
  return hash;
}

/** The hash of one node, given how to hash its children. */
function hashNode(tree: HashTree, child: TreeHasher): Uint8Array {
  switch (tree[0]) {
    case 0:
      return sha256(EMPTY_SEP);
    case 1:
      return sha256(concatBytes(FORK_SEP, child(tree[1]), child(tree[2])));
    case 2:
      return sha256(concatBytes(LABELED_SEP, tree[1], child(tree[2])));
    case 3:
      return sha256(concatBytes(LEAF_SEP, tree[1]));
    case 4:
      if (tree[1].length !== 32) throw invalid('a pruned hash must be 32 bytes');
      return tree[1];
    default:
      throw invalid(`unknown node tag ${String((tree as unknown[])[0])}`);
  }
}

/** Outcome of {@link lookupPath}, following the spec's `lookup_path`. */
export type LookupResult =
  /** The path leads to a leaf with this value. */
  | { status: 'found'; value: Uint8Array }
  /** The tree proves that nothing is stored at the path. */
  | { status: 'absent' }
  /** The path runs into a pruned node: the tree neither proves nor refutes it. */
  | { status: 'unknown' }
  /** The path ends at an inner node (a fork or labeled subtree), not a value. */
  | { status: 'error' };

/** Looks up the value at `path` (a list of labels; strings are taken as UTF-8). */
export function lookupPath(tree: HashTree, path: ReadonlyArray<Uint8Array | string>): LookupResult {
  let node = tree;
  for (const part of path) {
    const found = findLabel(node, typeof part === 'string' ? utf8(part) : part);
    if (found.status !== 'found') return found;
    node = found.subtree;
  }
  switch (node[0]) {
    case 0:
      return { status: 'absent' };
    case 3:
      return { status: 'found', value: node[1] };
    case 4:
      return { status: 'unknown' };
    default:
      return { status: 'error' };
  }
}

/** Outcome of {@link findLabel}. */
export type LabelLookup =
  { status: 'found'; subtree: HashTree } | { status: 'absent' } | { status: 'unknown' };

/**
 * Finds `label` among the labeled nodes at the top of `tree` (below its forks). Absence is
 * proven only when the label falls between two labeled neighbours (or an end of the list).
 */
export function findLabel(tree: HashTree, label: Uint8Array): LabelLookup {
  // Whether everything seen so far is known to sort below `label` (no pruned gap since).
  let provenBelow = true;
  for (const node of flattenForks(tree)) {
    if (node[0] === 2) {
      const order = compareBytes(node[1], label);
      if (order === 0) return { status: 'found', subtree: node[2] };
      if (order > 0) return provenBelow ? { status: 'absent' } : { status: 'unknown' };
      provenBelow = true;
    } else {
      provenBelow = false;
    }
  }
  return provenBelow ? { status: 'absent' } : { status: 'unknown' };
}

/** The non-fork nodes under the top-level forks of `tree`, in order; empty nodes vanish. */
export function flattenForks(tree: HashTree): Array<LabeledTree | LeafTree | PrunedTree> {
  const out: Array<LabeledTree | LeafTree | PrunedTree> = [];
  const stack: HashTree[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop() as HashTree;
    if (node[0] === 1) stack.push(node[2], node[1]);
    else if (node[0] !== 0) out.push(node);
  }
  return out;
}

/**
 * Checks that `value` (e.g. freshly CBOR-decoded) is a structurally valid hash tree: known
 * tags, the right arity, byte-string labels/values and 32-byte pruned hashes.
 */
export function assertHashTree(value: unknown): asserts value is HashTree {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!Array.isArray(node)) throw invalid('a node must be an array');
    const [tag, a, b] = node as unknown[];
    const arity = tag === 0 ? 1 : tag === 1 || tag === 2 ? 3 : tag === 3 || tag === 4 ? 2 : -1;
    if (arity < 0) throw invalid(`unknown node tag ${String(tag)}`);
    if (node.length !== arity) throw invalid(`node ${String(tag)} must have ${arity} elements`);
    if (tag === 1) stack.push(a, b);
    if (tag === 2) {
      if (!(a instanceof Uint8Array)) throw invalid('a label must be a byte string');
      stack.push(b);
    }
    if ((tag === 3 || tag === 4) && !(a instanceof Uint8Array))
      throw invalid('leaf and pruned nodes hold bytes');
    if (tag === 4 && (a as Uint8Array).length !== 32)
      throw invalid('a pruned hash must be 32 bytes');
  }
}

function invalid(message: string): CertificationError {
  return new CertificationError('ERR_INVALID_TREE', message);
}
