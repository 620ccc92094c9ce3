/**
 * ICP semantics: one message at a time, awaits of non-calls do not end an execution, and
 * queries run on committed state, their changes are discarded, they cannot call.
 */
import { IDL } from '@dfinity/candid';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTestReplica, seededPolicy } from '@tincan/testing';
import { fifoPolicy, type CanisterHandle } from '@tincan/replica';
import type SemanticsBusy from '../fixtures/semantics-busy.js';
import type SemanticsCallee from '../fixtures/semantics-callee.js';
import type SemanticsCaller from '../fixtures/semantics-caller.js';
import { rejectedCall, replyValue, stepOnce, submit } from './helpers.js';

const t = useTestReplica();

describe('queries', () => {
  let a: CanisterHandle;
  let b: CanisterHandle;
  beforeEach(async () => {
    b = await t.replica.deploy('test/fixtures/semantics-callee.ts');
    a = await t.replica.deploy('test/fixtures/semantics-caller.ts');
  });
  const state = (): Promise<ReturnType<SemanticsCaller['state']>> =>
    t.replica.actor<SemanticsCaller>(a).state();

  it('see the committed first half of an update that is awaiting a call', async () => {
    // Catches: queries blocked by (or reading a snapshot from before) a pending await.
    const { replica } = t;
    const rec = submit(replica, a.id, 'stepThenRecord', [IDL.Principal], [b.id]);
    expect((await state()).log).toEqual([]);
    stepOnce(replica);
    expect(rec.outcome).toBeUndefined();
    expect((await state()).log).toEqual(['first half']);
    replica.runtime.runUntilIdle();
    expect(replyValue(rec.outcome, IDL.Nat)).toBe(1n);
    expect((await state()).log).toEqual(['first half', 'second half saw bumps=0']);
  });

  it('run their code but discard its changes', async () => {
    // Catches: query executions that commit their heap changes.
    const actor = t.replica.actor<SemanticsCaller>(a);
    expect(await actor.bump()).toBe(1n);
    expect(await actor.queryMutates()).toBe(101n); // the query saw its own change while running
    expect(await actor.queryMutates()).toBe(101n); // but the next one starts from committed state
    const s = await state();
    expect(s.bumps).toBe(1n);
    expect(s.log).toEqual(['bump']);
    expect(await actor.bump()).toBe(2n); // and updates do not see it either
  });

  it('a query method called as an update still discards its changes', async () => {
    // Catches: replicated execution of a query method committing state (ICP discards it).
    const out = await t.replica.update(a.id, 'queryMutates', new Uint8Array(IDL.encode([], [])));
    expect(replyValue(out, IDL.Nat)).toBe(100n);
    expect((await state()).bumps).toBe(0n);
  });

  it('a query that tries to make a call is rejected with 5 and nothing is sent', async () => {
    // Catches: queries allowed to make calls (or sending them regardless of the trap).
    const err = await rejectedCall(t.replica.actor<SemanticsCaller>(a).queryCalls(b.id));
    expect(err.rejectCode).toBe(5);
    expect(err.rejectMessage).toMatch(/call/i);
    expect(t.replica.runtime.pendingCount).toBe(0);
    await t.replica.idle();
    expect(await t.replica.actor<SemanticsCallee>(b).get()).toBe(0n);
    expect(t.replica.runtime.openContexts(a.id.toUint8Array())).toBe(0);
  });
});

describe('one message at a time per canister', () => {
  let c: CanisterHandle;
  beforeEach(async () => {
    c = await t.replica.deploy('test/fixtures/semantics-busy.ts');
  });
  const stats = (): Promise<[bigint, bigint, boolean]> => t.replica.actor<SemanticsBusy>(c).stats();

  it('a synchronous method never observes another execution in progress (50 concurrent calls)', async () => {
    // Catches: executions of one canister overlapping on a shared heap.
    const actor = t.replica.actor<SemanticsBusy>(c);
    const results = await Promise.all(Array.from({ length: 50 }, () => actor.syncCheck()));
    expect(results.every((v) => v === 0n)).toBe(true);
    expect(await stats()).toEqual([0n, 50n, false]);
  });

  it('awaits of non-calls do not end the execution: 50 concurrent async calls never see busy', async () => {
    // Catches: an execution committed at a non-call await (busy=true leaking to the next message),
    // or continuations of microtasks running inside another message's execution.
    const actor = t.replica.actor<SemanticsBusy>(c);
    const results = await Promise.all(Array.from({ length: 50 }, () => actor.asyncCheck()));
    expect(results.every((v) => v === 0n)).toBe(true);
    expect(await stats()).toEqual([0n, 50n, false]);
  });

  it('the same holds under seeded schedules', async () => {
    // Catches: overlap that only shows under non-FIFO interleavings.
    const actor = t.replica.actor<SemanticsBusy>(c);
    for (let seed = 1; seed <= 5; seed++) {
      t.replica.runtime.setScheduler(seededPolicy(seed));
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          i % 2 === 0 ? actor.asyncCheck() : actor.syncCheck(),
        ),
      );
    }
    t.replica.runtime.setScheduler(fifoPolicy);
    expect(await stats()).toEqual([0n, 250n, false]);
  });

  it('a single step runs an async method to completion when it makes no call', () => {
    // Catches: an execution ending before its non-call awaits settle (no reply after one step).
    const sub = submit(t.replica, c.id, 'asyncCheck');
    stepOnce(t.replica);
    expect(t.replica.runtime.pendingCount).toBe(0);
    expect(replyValue(sub.outcome, IDL.Nat)).toBe(0n);
  });
});
