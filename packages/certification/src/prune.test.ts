import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  LookupPathStatus,
  lookup_path as agentLookupPath,
  type HashTree as AgentHashTree,
} from '@dfinity/agent';
import {
  compareBytes,
  createTreeHasher,
  empty,
  fork,
  labeled,
  leaf,
  lookupPath,
  prune,
  reconstruct,
  type HashTree,
  type LabeledTree,
} from './index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Distinct sorted labels from a small alphabet, so searches hit neighbours and gaps. */
const labels = fc
  .uniqueArray(fc.uint8Array({ minLength: 0, maxLength: 3, min: 0, max: 4 }), {
    maxLength: 24,
    selector: hex,
  })
  .map((list) => [...list].sort(compareBytes));

/** Joins nodes with forks of a random shape (not only balanced), sometimes with empty trees in between. */
function randomShape(nodes: HashTree[], splits: number[], at = 0): HashTree {
  if (nodes.length === 0) return empty();
  if (nodes.length === 1)
    return (splits[at % Math.max(1, splits.length)] ?? 0) % 7 === 0
      ? fork(empty(), nodes[0] as HashTree)
      : (nodes[0] as HashTree);
  const split = 1 + ((splits[at % splits.length] ?? 0) % (nodes.length - 1));
  return fork(
    randomShape(nodes.slice(0, split), splits, at + 1),
    randomShape(nodes.slice(split), splits, at + 2),
  );
}

const trees = fc
  .tuple(labels, labels, fc.array(fc.nat(1000), { minLength: 1, maxLength: 16 }))
  .map(([outer, inner, splits]) => {
    const children = (prefix: string): LabeledTree[] =>
      inner.map((l) => labeled(l, leaf(new TextEncoder().encode(`${prefix}/${hex(l)}`))));
    const nodes = outer.map((l, i) =>
      labeled(l, i % 2 === 0 ? leaf(l) : randomShape(children(hex(l)), splits)),
    );
    return { tree: randomShape(nodes, splits), outer, inner };
  });

const anyPath = fc.array(fc.uint8Array({ minLength: 0, maxLength: 3, min: 0, max: 4 }), {
  minLength: 1,
  maxLength: 3,
});

describe('prune on trees of any fork shape', () => {
  it('keeps the root hash and every requested answer, as the agent reads it', () => {
    fc.assert(
      fc.property(trees, fc.array(anyPath, { maxLength: 4 }), ({ tree, outer, inner }, extra) => {
        const paths = [...outer.slice(0, 3).map((l) => [l, ...inner.slice(0, 1)]), ...extra];
        const witness = prune(tree, paths);
        expect(hex(reconstruct(witness))).toBe(hex(reconstruct(tree)));
        for (const p of paths) {
          expect(lookupPath(witness, p)).toEqual(lookupPath(tree, p));
          // The agent finds in the witness what it finds in the whole tree. (Its label order is
          // not lexicographic, so its absence answers are weaker than ours, checked above.)
          const whole = agentLookupPath(p, tree as unknown as AgentHashTree);
          if (whole.status === LookupPathStatus.Found)
            expect(agentLookupPath(p, witness as unknown as AgentHashTree)).toEqual(whole);
        }
      }),
    );
  });

  it('prunes a witness again (a level holding pruned nodes) without changing answers', () => {
    fc.assert(
      fc.property(trees, fc.array(anyPath, { minLength: 1, maxLength: 4 }), ({ tree }, paths) => {
        const once = prune(tree, paths);
        const twice = prune(once, paths.slice(0, 1));
        expect(hex(reconstruct(twice))).toBe(hex(reconstruct(tree)));
        expect(lookupPath(twice, paths[0] as Uint8Array[])).toEqual(
          lookupPath(tree, paths[0] as Uint8Array[]),
        );
      }),
    );
  });

  it('gives the same witness with a memoizing hasher, which hashes each node once', () => {
    fc.assert(
      fc.property(trees, fc.array(anyPath, { maxLength: 4 }), ({ tree }, paths) => {
        const hasher = createTreeHasher();
        expect(hex(hasher(tree))).toBe(hex(reconstruct(tree)));
        expect(prune(tree, paths, hasher)).toEqual(prune(tree, paths));
      }),
    );
  });
});
