import { Encoder } from 'cbor-x';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HEAP_FORMAT, decodeMeta, encodeMeta } from './heap-rows.js';

/** cbor-x with the options of the heap rows: what the meta row was written with before. */
const cborX = new Encoder({
  useRecords: false,
  tagUint8Array: true,
  int64AsType: 'bigint',
} as ConstructorParameters<typeof Encoder>[0]);

const uint32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
/** Small and edge-sized values, so every CBOR head width is hit. */
const sized = fc.oneof(
  fc.integer({ min: 0, max: 30 }),
  fc.integer({ min: 0, max: 300 }),
  fc.integer({ min: 60_000, max: 70_000 }),
  uint32,
);
const meta = fc.record({
  prng: fc.array(uint32, { minLength: 4, maxLength: 4 }),
  nextId: sized,
  bytes: sized,
  root: fc.option(
    fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 250, maxLength: 300 })),
    { nil: undefined },
  ),
});

describe('encodeMeta', () => {
  it('writes the bytes cbor-x writes for the meta row, and decodes back', () => {
    // Catches: a hand-written head of the wrong width or major type, or a root row cut short.
    fc.assert(
      fc.property(meta, (m) => {
        const ours = encodeMeta(m);
        expect(Buffer.from(ours).toString('hex')).toBe(
          Buffer.from(
            cborX.encode([HEAP_FORMAT, m.prng, m.nextId, m.bytes, m.root ?? null]) as Uint8Array,
          ).toString('hex'),
        );
        const back = decodeMeta(ours);
        expect(back?.prng).toEqual(m.prng);
        expect(back?.nextId).toBe(m.nextId);
        expect(back?.bytes).toBe(m.bytes);
        expect(back?.root === undefined ? undefined : [...back.root]).toEqual(
          m.root === undefined ? undefined : [...m.root],
        );
      }),
      { numRuns: 300 },
    );
  });

  it('falls back to cbor-x for values past 32 bits, which still decode as numbers', () => {
    const m = { prng: [1, 2, 3, 4], nextId: 2 ** 40, bytes: 5, root: new Uint8Array([9]) };
    expect(decodeMeta(encodeMeta(m))).toMatchObject({
      prng: [1, 2, 3, 4],
      nextId: 2 ** 40,
      bytes: 5,
    });
  });
});
