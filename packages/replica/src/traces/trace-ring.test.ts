import { describe, expect, it } from 'vitest';
import { Principal } from '@dfinity/principal';
import { toHex } from '@tincan/bytes';
import type { ExecutionTrace } from '@tincan/runtime';
import { ByteRing } from './byte-ring.js';
import { TraceRing } from './trace-ring.js';

const canister = Principal.fromUint8Array(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]));
const user = Principal.fromUint8Array(new Uint8Array([7, 7, 7]));

function trace(n: number, over: Partial<ExecutionTrace> = {}): ExecutionTrace {
  return {
    canister: toHex(canister.toUint8Array()),
    kind: 'update',
    method: `m${n % 3}`,
    caller: user.toUint8Array(),
    origin: user.toUint8Array(),
    contextId: n,
    cause: { kind: 'ingress' },
    timeNs: BigInt(n) * 1_000n,
    outcome: 'committed',
    trap: undefined,
    instructions: n,
    cyclesCharged: BigInt(n),
    cyclesAccepted: 0n,
    cyclesRefunded: 0n,
    balanceDelta: -BigInt(n),
    calls: [],
    timersSet: 0,
    stableWrites: 0,
    heapBytes: 0,
    arg: new Uint8Array([n & 255, n >> 8]),
    rejected: undefined,
    answer: { reply: new Uint8Array([n & 255]) },
    ...over,
  };
}

describe('TraceRing (columns)', () => {
  it('keeps the last N as it grows and wraps, and rebuilds each record from its columns', () => {
    const ring = new TraceRing(3_000);
    for (let id = 1; id <= 5_000; id++) ring.push(id, id, null, 1_000 + id, trace(id));
    expect(ring.size).toBe(3_000);
    expect(ring.oldestId).toBe(2_001);
    expect(ring.get(2_000)).toBeUndefined();
    expect(ring.get(4_321)).toMatchObject({
      id: 4_321,
      tree: 'e4321',
      parent: null,
      canister: canister.toText(),
      caller: user.toText(),
      method: 'm1',
      timeNs: '4321000',
      wallMs: 5_321,
      cyclesCharged: '4321',
      balanceDelta: '-4321',
      arg: toHex(new Uint8Array([4_321 & 255, 4_321 >> 8])),
      answer: { reply: toHex(new Uint8Array([4_321 & 255])) },
      trap: null,
      rejected: null,
      calls: [],
      contextId: 4_321,
      cause: { kind: 'ingress' },
    });
    expect(ring.list({ method: 'm2', limit: 2 }).map((r) => r.id)).toEqual([5_000, 4_997]);
    expect(ring.since(4_998, 10).map((r) => r.id)).toEqual([4_999, 5_000]);
  });

  it('keeps traps, rejects, calls, cycles beyond 64 bits and request ids as they were', () => {
    const ring = new TraceRing(10);
    const requestId = new Uint8Array(32).fill(9);
    const huge = 2n ** 70n;
    ring.push(
      1,
      1,
      null,
      0,
      trace(1, {
        cause: { kind: 'ingress', requestId },
        cyclesAccepted: huge,
        calls: [
          {
            callId: 4,
            callee: canister.toUint8Array(),
            method: 'deposit',
            cycles: huge,
            oneway: false,
          },
        ],
      }),
    );
    ring.push(
      2,
      1,
      1,
      0,
      trace(2, {
        kind: 'response',
        cause: { kind: 'response', callId: 4 },
        outcome: 'trapped',
        trap: 'boom',
        rejected: { code: 4, message: 'no' },
        answer: { reject: { code: 5, message: 'trapped' } },
      }),
    );
    const tree = ring.tree(toHex(requestId));
    expect(tree.map((r) => [r.id, r.tree, r.parent])).toEqual([
      [1, toHex(requestId), null],
      [2, toHex(requestId), 1],
    ]);
    expect(tree[0]).toMatchObject({
      cyclesAccepted: huge.toString(),
      cause: { kind: 'ingress', requestId: toHex(requestId) },
      calls: [
        {
          callId: 4,
          callee: canister.toText(),
          method: 'deposit',
          cycles: huge.toString(),
          oneway: false,
        },
      ],
    });
    expect(tree[1]).toMatchObject({
      outcome: 'trapped',
      trap: 'boom',
      rejected: { code: 4, message: 'no' },
      answer: { reject: { code: 5, message: 'trapped' } },
      cause: { kind: 'response', callId: 4 },
    });
    expect(ring.trees({ outcome: 'trapped' })).toMatchObject([
      { tree: toHex(requestId), executions: 2, trapped: 1, canisters: 1, root: { id: 1 } },
    ]);
  });

  it('copies arguments and replies: the runtime may reuse its arrays, and large ones are kept aside', () => {
    const ring = new TraceRing(100);
    const arg = new Uint8Array([1, 2, 3]);
    const large = new Uint8Array(200_000).fill(7);
    ring.push(1, 1, null, 0, trace(1, { arg }));
    ring.push(2, 2, null, 0, trace(2, { arg: large }));
    arg.fill(0);
    expect(ring.get(1)?.arg).toBe('010203');
    expect(ring.get(2)?.arg).toBe(toHex(large));
  });

  it('says an argument was overwritten rather than showing other bytes, when arguments outgrow the byte ring', () => {
    const ring = new TraceRing(200);
    // 200 × 512 bytes of byte ring; 200 arguments of 10 KB do not fit.
    for (let id = 1; id <= 200; id++)
      ring.push(id, id, null, 0, trace(id, { arg: new Uint8Array(10_000).fill(id) }));
    expect(ring.get(200)?.arg).toBe(toHex(new Uint8Array(10_000).fill(200)));
    expect(ring.get(1)?.arg).toBe('');
  });
});

describe('ByteRing', () => {
  it('returns what was put until it is overwritten, and refuses what is too large', () => {
    const ring = new ByteRing(64);
    expect(ring.maxPut).toBe(8);
    const a = ring.put(new Uint8Array([1, 2, 3]));
    expect(ring.get(a, 3)).toEqual(new Uint8Array([1, 2, 3]));
    expect(ring.put(new Uint8Array(9))).toBe(-1);
    for (let i = 0; i < 7; i++) ring.put(new Uint8Array(8).fill(i));
    // 3 + 7 × 8 bytes = 59: the next 8 wrap to the start and overwrite the first put.
    expect(ring.get(a, 3)).toEqual(new Uint8Array([1, 2, 3]));
    const wrapped = ring.put(new Uint8Array(8).fill(9));
    expect(ring.get(wrapped, 8)).toEqual(new Uint8Array(8).fill(9));
    expect(ring.get(a, 3)).toBeUndefined();
  });
});
