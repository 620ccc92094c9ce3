import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateRootKey } from '@tincan/certification';
import { loadBls } from './fast-bls.js';
import { certifySlice, verifySlice } from './stream-slice.js';
import { decodeStreamMessage, encodeStreamMessage, type StreamMessage } from './stream-message.js';
import { subnetRange } from './topology.js';

const key = generateRootKey(new Uint8Array(32).fill(11));
const from = new Uint8Array(29).fill(1);
const to = new Uint8Array(29).fill(2);
const expectation = {
  from,
  to,
  derRootKey: key.derPublicKey,
  rootSubnetId: from,
  rootRanges: [subnetRange(0)],
};

const request: StreamMessage = {
  kind: 'request',
  callId: 7,
  callee: subnetRange(1)[0],
  caller: subnetRange(0)[0],
  origin: Uint8Array.of(4),
  method: 'add',
  arg: Uint8Array.of(1, 2, 3),
  cycles: 5n,
  deadlineNs: 0n,
  depth: 1,
};
const response: StreamMessage = {
  kind: 'response',
  callId: 7,
  outcome: { reject: { code: 5, message: 'no', errorCode: 'IC0503' } },
  refund: 2n,
};

describe('stream slices', () => {
  it('round-trips messages through a certified slice', async () => {
    const bls = await loadBls();
    const slice = certifySlice(
      bls,
      { subnetId: from, key, delegation: undefined },
      to,
      4,
      [encodeStreamMessage(request), encodeStreamMessage(response)],
      1n,
    );
    const verified = verifySlice(bls, slice, expectation, new Map());
    if (typeof verified === 'string') throw new Error(verified);
    expect(verified.begin).toBe(4);
    expect(verified.messages.map(decodeStreamMessage)).toEqual([request, response]);
  });

  it('refuses every slice with a byte changed, and never throws', async () => {
    const bls = await loadBls();
    const slice = certifySlice(
      bls,
      { subnetId: from, key, delegation: undefined },
      to,
      0,
      [encodeStreamMessage(request)],
      1n,
    );
    fc.assert(
      fc.property(
        fc.nat({ max: slice.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (at, flip) => {
          const changed = slice.slice();
          changed[at] = (changed[at] as number) ^ flip;
          const verified = verifySlice(bls, changed, expectation, new Map());
          // A change the CBOR decoder cannot see (a tag it ignores) leaves the same slice; any other is refused.
          if (typeof verified !== 'string')
            expect(verified.messages.map(decodeStreamMessage)).toEqual([request]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses a slice to another subnet, and arbitrary bytes', async () => {
    const bls = await loadBls();
    const slice = certifySlice(
      bls,
      { subnetId: from, key, delegation: undefined },
      to,
      0,
      [encodeStreamMessage(request)],
      1n,
    );
    expect(
      verifySlice(bls, slice, { ...expectation, to: new Uint8Array(29).fill(3) }, new Map()),
    ).toMatch(/holds no stream to this subnet/);
    expect(verifySlice(bls, Uint8Array.of(1, 2, 3), expectation, new Map())).toMatch(
      /does not decode/,
    );
    expect(() => decodeStreamMessage(Uint8Array.of(0xa0))).toThrow(/request or a response/);
  });
});
