import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Principal } from '@dfinity/principal';
import { toHex } from '@tincan/bytes';
import type { ExecutionTrace } from '@tincan/runtime';
import { Traces } from './traces.js';

const alice = Principal.fromUint8Array(new Uint8Array([1, 2, 3]));
const bob = Principal.fromUint8Array(new Uint8Array([4, 5, 6]));
const user = Principal.fromUint8Array(new Uint8Array([9, 9]));

/** The request id (32 bytes) of ingress message `n`. */
function requestId(n: number): Uint8Array {
  return new Uint8Array(32).fill(n);
}

/** A committed update of `canister` at replica time `timeNs`, answering with the reply bytes [n]. */
function update(
  canister: Principal,
  method: string,
  timeNs: bigint,
  n: number,
  over: Partial<ExecutionTrace> = {},
): ExecutionTrace {
  return {
    canister: toHex(canister.toUint8Array()),
    kind: 'update',
    method,
    caller: user.toUint8Array(),
    origin: user.toUint8Array(),
    contextId: n,
    cause: { kind: 'ingress', requestId: requestId(n) },
    timeNs,
    outcome: 'committed',
    trap: undefined,
    instructions: 100 + n,
    cyclesCharged: 5n,
    cyclesAccepted: 0n,
    cyclesRefunded: 0n,
    balanceDelta: -5n,
    calls: [],
    timersSet: 0,
    stableWrites: 1,
    heapBytes: 64,
    arg: new Uint8Array([n]),
    rejected: undefined,
    answer: { reply: new Uint8Array([n, n]) },
    ...over,
  };
}

describe('traces', () => {
  const open: Traces[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  function traces(dir: string | undefined, limit: number): Traces {
    const t = new Traces(dir, { limit });
    open.push(t);
    return t;
  }
  function tempDir(): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tincan-traces-'));
    dirs.push(d);
    return d;
  }

  it('keeps the last N in memory and answers queries by id, canister, method, outcome and time', async () => {
    const t = traces(undefined, 3);
    for (let n = 1; n <= 5; n++)
      t.sink.execution(
        update(
          n % 2 === 0 ? bob : alice,
          n === 4 ? 'withdraw' : 'deposit',
          BigInt(n) * 1000n,
          n,
          n === 5 ? { outcome: 'trapped', trap: 'boom' } : {},
        ),
      );
    expect((await t.list()).map((r) => r.id)).toEqual([5, 4, 3]);
    expect(await t.count()).toBe(3);
    expect(await t.get(2)).toBeUndefined();
    expect(await t.get(4)).toMatchObject({
      id: 4,
      canister: bob.toText(),
      method: 'withdraw',
      arg: '04',
      answer: { reply: '0404' },
      timeNs: '4000',
      cyclesCharged: '5',
    });
    expect((await t.list({ canister: alice.toText() })).map((r) => r.id)).toEqual([5, 3]);
    expect((await t.list({ method: 'withdraw' })).map((r) => r.id)).toEqual([4]);
    expect((await t.list({ outcome: 'trapped' }))[0]).toMatchObject({ id: 5, trap: 'boom' });
    expect((await t.list({ beforeId: 5, limit: 1 })).map((r) => r.id)).toEqual([4]);
    expect((await t.list({ fromNs: 3500n, toNs: 4500n })).map((r) => r.id)).toEqual([4]);
    expect((await t.list({ caller: user.toText() })).length).toBe(3);
    expect(await t.list({ canister: 'not a principal' })).toEqual([]);
  });

  it('links a call and its callback into one tree and summarizes it', async () => {
    const t = traces(undefined, 100);
    const aliceHex = toHex(alice.toUint8Array());
    t.sink.execution(
      update(alice, 'buy', 1n, 1, {
        calls: [
          { callId: 7, callee: bob.toUint8Array(), method: 'deposit', cycles: 0n, oneway: false },
        ],
      }),
    );
    t.sink.execution(
      update(bob, 'deposit', 2n, 2, {
        caller: alice.toUint8Array(),
        cause: { kind: 'call', caller: aliceHex, callId: 7 },
      }),
    );
    t.sink.execution(
      update(alice, 'buy', 3n, 3, {
        kind: 'response',
        cause: { kind: 'response', callId: 7 },
        outcome: 'trapped',
      }),
    );
    t.sink.execution(update(bob, 'other', 4n, 4));
    const [summary, ...rest] = await t.trees({ canister: bob.toText(), method: 'deposit' });
    expect(rest).toEqual([]);
    expect(summary).toMatchObject({
      tree: toHex(requestId(1)),
      executions: 3,
      trapped: 1,
      canisters: 2,
      root: { id: 1, method: 'buy' },
    });
    expect((await t.tree(toHex(requestId(1)))).map((r) => [r.id, r.parent])).toEqual([
      [1, null],
      [2, 1],
      [3, 1],
    ]);
    expect((await t.trees()).map((s) => s.tree)).toEqual([
      toHex(requestId(4)),
      toHex(requestId(1)),
    ]);
  });

  it('writes the file only when flushed or closed, and a reopened store continues with the last N', async () => {
    const dir = tempDir();
    const t = traces(dir, 3);
    for (let n = 1; n <= 4; n++) t.sink.execution(update(alice, 'deposit', BigInt(n), n));
    const inMemory = await t.list();
    // Nothing is written per execution: another reader of the file sees nothing yet.
    const early = new Traces(dir, { limit: 3 });
    expect(await early.count()).toBe(0);
    await early.close();
    expect(t.flush()).toBe(3);
    expect(t.flush()).toBe(0);
    t.sink.execution(update(bob, 'deposit', 5n, 5));
    await t.close();
    const again = traces(dir, 3);
    expect((await again.list()).map((r) => r.id)).toEqual([5, 4, 3]);
    expect(await again.list({ limit: 2, beforeId: 5 })).toEqual(inMemory.slice(0, 2));
    again.sink.execution(update(alice, 'deposit', 6n, 6));
    expect((await again.list({ limit: 1 }))[0]).toMatchObject({ id: 6, canister: alice.toText() });
    await again.close();
    // A smaller limit keeps only the newest.
    const small = traces(dir, 2);
    expect((await small.list()).map((r) => r.id)).toEqual([6, 5]);
  });

  it('writes on a timer, in chunks, only after an execution, and not again while idle', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const dir = tempDir();
      const t = traces(dir, 5_000);
      const stored = async (): Promise<number> => {
        const reader = new Traces(dir, { limit: 5_000 });
        try {
          return await reader.count();
        } finally {
          await reader.close();
        }
      };
      vi.advanceTimersByTime(60_000);
      expect(vi.getTimerCount()).toBe(0);
      for (let n = 1; n <= 2_500; n++) t.sink.execution(update(alice, 'deposit', BigInt(n), n));
      expect(vi.getTimerCount()).toBe(1);
      expect(await stored()).toBe(0);
      vi.advanceTimersByTime(10_000);
      expect(await stored()).toBe(1_000);
      vi.runAllTimers();
      expect(await stored()).toBe(2_500);
      expect(vi.getTimerCount()).toBe(0);
      expect(t.flush()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
