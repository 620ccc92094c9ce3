/**
 * One level of a hash tree kept incrementally: labels mapped to subtrees, joined by forks in
 * label order. Entries fall into 4,096 buckets by the first 12 bits of their label; each
 * bucket is a balanced fork tree over its sorted entries, and the buckets are joined by a
 * fixed binary tree. A change rebuilds one bucket and the 12 forks above it, and every other
 * node stays the same object, so a memoizing tree hasher hashes only what changed. Built for
 * labels that are hashes (request ids), whose first bits spread evenly.
 */
import { compareBytes } from './bytes.js';
import { balancedForks } from './build-tree.js';
import { empty, fork, labeled, type HashTree, type LabeledTree } from './hash-tree.js';

const BUCKET_BITS = 12;
const BUCKETS = 1 << BUCKET_BITS;

/** Labels mapped to subtrees, yielding the level's fork tree on demand. */
export class LabelIndex {
  readonly #buckets: LabeledTree[][] = Array.from({ length: BUCKETS }, () => []);
  /** Heap-ordered joins: node i joins 2i and 2i+1; bucket b is node BUCKETS + b. */
  readonly #joins: Array<HashTree | undefined> = new Array<HashTree | undefined>(2 * BUCKETS).fill(
    undefined,
  );
  readonly #dirty = new Set<number>();
  #size = 0;

  /** Number of labels. */
  get size(): number {
    return this.#size;
  }

  /** Sets the subtree under `label`, replacing any before. */
  set(label: Uint8Array, subtree: HashTree): void {
    const bucket = this.#bucketOf(label);
    const entries = this.#buckets[bucket] as LabeledTree[];
    const at = position(entries, label);
    const node = labeled(label, subtree);
    if (at.found) entries[at.index] = node;
    else {
      entries.splice(at.index, 0, node);
      this.#size++;
    }
    this.#dirty.add(bucket);
  }

  /** Removes `label`; returns whether it was there. */
  delete(label: Uint8Array): boolean {
    const bucket = this.#bucketOf(label);
    const entries = this.#buckets[bucket] as LabeledTree[];
    const at = position(entries, label);
    if (!at.found) return false;
    entries.splice(at.index, 1);
    this.#size--;
    this.#dirty.add(bucket);
    return true;
  }

  /**
   * The level as a fork tree of labeled nodes in label order (the empty tree when there are
   * none). Nodes the changes since the last call did not touch are the same objects as before.
   */
  tree(): HashTree {
    let level = new Set<number>();
    for (const bucket of this.#dirty) {
      const entries = this.#buckets[bucket] as LabeledTree[];
      this.#joins[BUCKETS + bucket] = entries.length === 0 ? undefined : balancedForks(entries);
      level.add((BUCKETS + bucket) >> 1);
    }
    this.#dirty.clear();
    while (level.size > 0) {
      const next = new Set<number>();
      for (const i of level) {
        this.#joins[i] = join(this.#joins[2 * i], this.#joins[2 * i + 1]);
        if (i > 1) next.add(i >> 1);
      }
      level = next;
    }
    return this.#joins[1] ?? empty();
  }

  #bucketOf(label: Uint8Array): number {
    // Missing bytes count as zero: a shorter label still sorts before longer ones of its bucket.
    return (((label[0] ?? 0) << 8) | (label[1] ?? 0)) >> (16 - BUCKET_BITS);
  }
}

function join(left: HashTree | undefined, right: HashTree | undefined): HashTree | undefined {
  if (left === undefined) return right;
  if (right === undefined) return left;
  return fork(left, right);
}

function position(
  entries: readonly LabeledTree[],
  label: Uint8Array,
): { index: number; found: boolean } {
  let [low, high] = [0, entries.length];
  while (low < high) {
    const mid = (low + high) >> 1;
    const order = compareBytes((entries[mid] as LabeledTree)[1], label);
    if (order === 0) return { index: mid, found: true };
    if (order < 0) low = mid + 1;
    else high = mid;
  }
  return { index: low, found: false };
}
