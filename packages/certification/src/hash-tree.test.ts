import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  lookup_path as agentLookupPath,
  reconstruct as agentReconstruct,
  type HashTree as AgentHashTree,
} from '@dfinity/agent';
import {
  CertificationError,
  buildTree,
  compareBytes,
  decodeCbor,
  empty,
  encodeCbor,
  fork,
  labeled,
  leaf,
  lookupPath,
  prune,
  pruned,
  reconstruct,
  utf8,
  type HashTree,
  type TreeEntry,
} from './index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const asAgentTree = (tree: HashTree): AgentHashTree => tree as unknown as AgentHashTree;

/** Labels from a tiny alphabet, so siblings, shared prefixes and near-misses are common. */
const label = fc.uint8Array({ minLength: 0, maxLength: 3, min: 0, max: 3 });
const path = fc.array(label, { minLength: 1, maxLength: 3 });
const isPrefix = (a: Uint8Array[], b: Uint8Array[]): boolean =>
  a.length <= b.length && a.every((part, i) => compareBytes(part, b[i] as Uint8Array) === 0);

/** Entries whose paths are distinct and none a prefix of another. */
const entries = fc
  .uniqueArray(fc.tuple(path, fc.uint8Array({ maxLength: 8 })), {
    maxLength: 12,
    selector: ([p]) => p.map(hex).join('/'),
  })
  .map(
    (list) =>
      list.filter(([p], i) => list.every(([q], j) => i === j || !isPrefix(p, q))) as TreeEntry[],
  );

describe('reconstruct', () => {
  it('reproduces the interface specification example tree', () => {
    const tree = fork(
      fork(
        labeled(
          'a',
          fork(fork(labeled('x', leaf(utf8('hello'))), empty()), labeled('y', leaf(utf8('world')))),
        ),
        labeled('b', leaf(utf8('good'))),
      ),
      fork(labeled('c', empty()), labeled('d', leaf(utf8('morning')))),
    );
    expect(hex(reconstruct(tree))).toBe(
      'eb5c5b2195e62d996b84c9bcc8259d19a83786a2f59e0878cec84c811f669aa0',
    );
  });

  it('agrees with @dfinity/agent', async () => {
    await fc.assert(
      fc.asyncProperty(entries, async (list) => {
        const tree = buildTree(list);
        expect(hex(reconstruct(tree))).toBe(hex(await agentReconstruct(asAgentTree(tree))));
      }),
    );
  });

  it('rejects pruned hashes of the wrong length', () => {
    expect(() => reconstruct(pruned(new Uint8Array(31)))).toThrow(CertificationError);
  });
});

describe('buildTree and lookupPath', () => {
  it('finds every entry and proves absence of other paths', () => {
    fc.assert(
      fc.property(entries, path, (list, probe) => {
        const tree = buildTree(list);
        for (const [p, value] of list)
          expect(lookupPath(tree, p)).toEqual({ status: 'found', value });
        if (list.some(([p]) => isPrefix(probe, p) || isPrefix(p, probe))) return;
        expect(lookupPath(tree, probe)).toEqual({ status: 'absent' });
      }),
    );
  });

  it('sorts labels bytewise, independent of entry order', () => {
    fc.assert(
      fc.property(entries, (list) => {
        expect(buildTree(list)).toEqual(buildTree([...list].reverse()));
      }),
    );
  });

  it('is found by @dfinity/agent for fixed-length labels', () => {
    const fixed = fc.uniqueArray(
      fc.tuple(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ maxLength: 8 })),
      {
        maxLength: 20,
        selector: ([l]) => hex(l),
      },
    );
    fc.assert(
      fc.property(fixed, (list) => {
        const tree = buildTree(
          list.map(([l, v]) => [[utf8('request_status'), l, utf8('status')], v]),
        );
        for (const [l, v] of list) {
          expect(agentLookupPath(['request_status', l, 'status'], asAgentTree(tree))).toMatchObject(
            { value: v },
          );
        }
      }),
    );
  });

  it('reports inner nodes as errors and the empty tree as absent', () => {
    const tree = buildTree([[[utf8('a'), utf8('b')], utf8('v')]]);
    expect(lookupPath(tree, ['a'])).toEqual({ status: 'error' });
    expect(lookupPath(buildTree([]), ['a'])).toEqual({ status: 'absent' });
    expect(buildTree([[[], utf8('v')]])).toEqual(leaf(utf8('v')));
  });

  it('rejects duplicate paths and paths that prefix others', () => {
    const dup: TreeEntry[] = [
      [[utf8('a')], utf8('1')],
      [[utf8('a')], utf8('2')],
    ];
    const prefix: TreeEntry[] = [
      [[utf8('a')], utf8('1')],
      [[utf8('a'), utf8('b')], utf8('2')],
    ];
    for (const bad of [dup, prefix, [...prefix].reverse()]) {
      expect(() => buildTree(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_CONFLICTING_PATHS' }),
      );
    }
  });

  it('survives a CBOR round trip', () => {
    fc.assert(
      fc.property(entries, (list) => {
        const tree = buildTree(list);
        expect(decodeCbor(encodeCbor(tree))).toEqual(tree);
      }),
    );
  });
});

describe('prune', () => {
  const requested = (list: TreeEntry[]) =>
    fc
      .tuple(fc.subarray(list.map(([p]) => p)), fc.array(path, { maxLength: 3 }))
      .map(([kept, extra]) => [...kept, ...extra]);

  it('keeps the root hash and the answers for requested paths', () => {
    fc.assert(
      fc.property(
        entries.chain((list) => fc.tuple(fc.constant(list), requested(list))),
        ([list, paths]) => {
          const tree = buildTree(list);
          const witness = prune(tree, paths);
          expect(hex(reconstruct(witness))).toBe(hex(reconstruct(tree)));
          for (const p of paths) expect(lookupPath(witness, p)).toEqual(lookupPath(tree, p));
        },
      ),
    );
  });

  it('hides what was not requested', () => {
    const list: TreeEntry[] = ['a', 'b', 'c', 'd', 'e'].map((l) => [[utf8(l)], utf8(`value ${l}`)]);
    const tree = buildTree(list);
    const witness = prune(tree, [[utf8('b')], [utf8('bb')]]);
    expect(lookupPath(witness, ['b'])).toEqual({ status: 'found', value: utf8('value b') });
    expect(lookupPath(witness, ['bb'])).toEqual({ status: 'absent' });
    expect(lookupPath(witness, ['e'])).toEqual({ status: 'unknown' });
    expect(JSON.stringify(witness)).not.toContain(JSON.stringify(Array.from(utf8('value e'))));
    expect(prune(tree, [])).toEqual(pruned(reconstruct(tree)));
    expect(prune(tree, [[]])).toBe(tree);
  });

  it('keeps whole subtrees under a requested prefix', () => {
    const tree = buildTree([
      [[utf8('x'), utf8('1')], utf8('one')],
      [[utf8('x'), utf8('2')], utf8('two')],
      [[utf8('y')], utf8('why')],
    ]);
    const witness = prune(tree, [[utf8('x')]]);
    expect(lookupPath(witness, ['x', '1'])).toEqual({ status: 'found', value: utf8('one') });
    expect(lookupPath(witness, ['x', '2'])).toEqual({ status: 'found', value: utf8('two') });
    expect(lookupPath(witness, ['y'])).toEqual({ status: 'unknown' });
  });
});
