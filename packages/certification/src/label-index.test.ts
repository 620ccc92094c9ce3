import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import { LabelIndex } from './label-index.js';
import {
  compareBytes,
  flattenForks,
  leaf,
  lookupPath,
  prune,
  reconstruct,
  utf8,
  type HashTree,
} from './index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Labels from short bytes (bucket collisions, prefixes) and hashes (the real use). */
const label = fc.oneof(
  fc.uint8Array({ maxLength: 3, max: 3 }),
  fc.string().map((s) => sha256(utf8(s))),
);
const op = fc.tuple(fc.boolean(), label, fc.string({ maxLength: 4 }));

describe('LabelIndex', () => {
  it('holds exactly the labels set and not deleted, in order, with their subtrees', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 60 }),
        fc.array(label, { maxLength: 5 }),
        (ops, probes) => {
          const index = new LabelIndex();
          const model = new Map<string, string>();
          for (const [isSet, l, value] of ops) {
            if (isSet) {
              index.set(l, leaf(utf8(value)));
              model.set(hex(l), value);
            } else expect(index.delete(l)).toBe(model.delete(hex(l)));
          }
          const tree = index.tree();
          const labels = flattenForks(tree).map((node) =>
            node[0] === 2 ? hex(node[1]) : 'not a label',
          );
          expect(labels).toEqual(
            [...model.keys()].sort((a, b) =>
              compareBytes(Buffer.from(a, 'hex'), Buffer.from(b, 'hex')),
            ),
          );
          expect(index.size).toBe(model.size);
          for (const probe of [...probes, ...ops.map(([, l]) => l)]) {
            const value = model.get(hex(probe));
            expect(lookupPath(tree, [probe])).toEqual(
              value === undefined ? { status: 'absent' } : { status: 'found', value: utf8(value) },
            );
            expect(lookupPath(prune(tree, [[probe]]), [probe])).toEqual(lookupPath(tree, [probe]));
          }
        },
      ),
    );
  });

  it('keeps the nodes a change does not touch', () => {
    const index = new LabelIndex();
    const labels = Array.from({ length: 200 }, (_, i) => sha256(utf8(`request ${i}`)));
    for (const l of labels) index.set(l, leaf(l));
    const before = new Set(collect(index.tree()));
    index.set(sha256(utf8('one more')), leaf(utf8('x')));
    const after = collect(index.tree());
    const fresh = after.filter((node) => !before.has(node));
    // One bucket and the joins above it: far fewer than the 400-odd nodes of the level.
    expect(fresh.length).toBeLessThan(20);
    expect(reconstruct(index.tree())).toEqual(reconstruct(index.tree()));
  });
});

function collect(tree: HashTree): HashTree[] {
  const out: HashTree[] = [tree];
  if (tree[0] === 1) out.push(...collect(tree[1]), ...collect(tree[2]));
  if (tree[0] === 2) out.push(...collect(tree[2]));
  return out;
}
