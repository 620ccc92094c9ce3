/**
 * Writes to objects made in the running execution skip the write barrier (the bundler proves
 * them new to the heap). State built that way, stored, written again and then trapped must
 * roll back exactly; written in later executions (through a view, an alias, or after an
 * `await`) it must still be tracked; committed, it must come back after a restart.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { CallRejectedError, useTestReplica } from '@tincan/testing';
import type { ActorOf, CanisterHandle } from '@tincan/replica';
import type { Principal } from '@dfinity/principal';

interface FreshBuffers {
  build(n: number, fail: boolean): string;
  mutate(at: number, fail: boolean): string;
  acrossAwait(callee: Principal, fail: boolean): string;
  state(): string;
}

const t = useTestReplica();
let h: CanisterHandle;
let callee: CanisterHandle;
beforeEach(async () => {
  callee = await t.replica.deploy('test/fixtures/semantics-callee.ts');
  h = await t.replica.deploy('test/fixtures/fresh-buffers.ts');
});

const actor = (): ActorOf<FreshBuffers> => t.replica.actor<FreshBuffers>(h);
const state = async (): Promise<{ buf: number[]; table: Record<string, number[]> }> =>
  JSON.parse(await actor().state()) as { buf: number[]; table: Record<string, number[]> };

/** What `build(n)` leaves. */
function built(n: number): { buf: number[]; table: Record<string, number[]> } {
  const buf = Array.from({ length: n }, (_, i) => (i * 7) & 0xff);
  buf[0] = 200;
  return { buf, table: { seed: [0], [`r${n}`]: [n, n * 2] } };
}

describe('objects new in an execution', () => {
  it('roll back exactly when the execution that built, stored and wrote them traps', async () => {
    const before = await actor().state();
    await expect(actor().build(16, true)).rejects.toBeInstanceOf(CallRejectedError);
    expect(await actor().state()).toBe(before);
  });

  it('are committed whole with the writes made after they were stored, and survive a restart', async () => {
    expect(JSON.parse(await actor().build(16, false))).toEqual(built(16));
    await t.restart();
    expect(await state()).toEqual(built(16));
  });

  it('are tracked in later executions: writes through a view and an alias roll back, then commit', async () => {
    await actor().build(16, false);
    const committed = await actor().state();
    await expect(actor().mutate(3, true)).rejects.toBeInstanceOf(CallRejectedError);
    expect(await actor().state()).toBe(committed);
    const expected = built(16);
    expected.buf[3] = 55;
    expected.buf[4] = 66;
    (expected.table.r16 as number[])[2] = 3;
    expect(JSON.parse(await actor().mutate(3, false))).toEqual(expected);
    await t.restart();
    expect(await state()).toEqual(expected);
  });

  it('are tracked after an await: a trap rolls back to the state committed at the await', async () => {
    await expect(actor().acrossAwait(callee.id, true)).rejects.toBeInstanceOf(CallRejectedError);
    // The part before the await was committed; the write after it is undone.
    expect((await state()).buf).toEqual([1, 0, 0, 0]);
    await t.restart();
    expect((await state()).buf).toEqual([1, 0, 0, 0]);
    expect(JSON.parse(await actor().acrossAwait(callee.id, false))).toMatchObject({
      buf: [1, 2, 0, 0],
    });
    await t.restart();
    expect((await state()).buf).toEqual([1, 2, 0, 0]);
  });
});
