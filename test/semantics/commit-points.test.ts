/**
 * ICP semantics: every `await` of a call is a commit point, calls leave only with a
 * committed execution, and a trap rolls back only the execution it happened in.
 */
import { IDL } from '@dfinity/candid';
import { beforeEach, describe, expect, it } from 'vitest';
import { CallRejectedError, useTestReplica } from '@tincan/testing';
import type { CanisterHandle } from '@tincan/replica';
import { rejectOf, rejectedCall, replyValue, stepOnce, submit } from './helpers.js';
import type Callee from '../fixtures/semantics-callee.js';
import type Caller from '../fixtures/semantics-caller.js';
import type Rollback from '../fixtures/semantics-rollback.js';

const t = useTestReplica();
let a: CanisterHandle;
let b: CanisterHandle;

beforeEach(async () => {
  b = await t.replica.deploy('test/fixtures/semantics-callee.ts');
  a = await t.replica.deploy('test/fixtures/semantics-caller.ts');
});

const callerState = (): Promise<ReturnType<Caller['state']>> => t.replica.actor<Caller>(a).state();
const calleeCount = (): Promise<bigint> => t.replica.actor<Callee>(b).get();

describe('commit point: await of a call', () => {
  it('keeps the first half when the code after the await traps', async () => {
    // Catches: an implementation that treats the whole async method as one transaction.
    const err = await t.replica
      .actor<Caller>(a)
      .stepThenTrap(b.id)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallRejectedError);
    expect((err as CallRejectedError).rejectCode).toBe(5);
    expect((err as CallRejectedError).rejectMessage).toContain('trap after the await');
    const s = await callerState();
    expect(s.before).toBe(1n); // committed before the await
    expect(s.after).toBe(0n); // rolled back with the trapping callback
    expect(await calleeCount()).toBe(1n); // the call itself went out and B committed
  });

  it('runs the code after the await as a separate execution, with other messages in between', async () => {
    // Catches: running a continuation in the same execution as its first half, or
    // blocking the canister while one of its methods awaits (no interleaving).
    const { replica } = t;
    const first = submit(replica, a.id, 'stepThenTrap', [IDL.Principal], [b.id]);
    stepOnce(replica); // A's first half: commits, sends the call to B
    expect((await callerState()).before).toBe(1n);
    expect(replica.runtime.pendingCount).toBe(1); // only B's request
    expect(first.outcome).toBeUndefined();

    const bump = submit(replica, a.id, 'bump');
    stepOnce(replica); // B.add
    expect(await calleeCount()).toBe(1n);
    stepOnce(replica); // A.bump runs between A's two halves
    expect(replyValue(bump.outcome, IDL.Nat)).toBe(1n);
    expect(first.outcome).toBeUndefined();
    let s = await callerState();
    expect([s.before, s.after, s.bumps]).toEqual([1n, 0n, 1n]);

    stepOnce(replica); // A's second half: traps
    expect(replica.runtime.pendingCount).toBe(0);
    expect(rejectOf(first.outcome).code).toBe(5);
    s = await callerState();
    expect([s.before, s.after, s.bumps]).toEqual([1n, 0n, 1n]); // the bump survived the later trap
    expect(t.replica.runtime.openContexts(a.id.toUint8Array())).toBe(0);
  });

  it('the continuation sees state committed by messages that ran during its await', async () => {
    // Catches: a continuation that resumes on a stale heap copy taken before the await.
    const { replica } = t;
    const rec = submit(replica, a.id, 'stepThenRecord', [IDL.Principal], [b.id]);
    stepOnce(replica); // first half
    expect((await callerState()).log).toEqual(['first half']);
    submit(replica, a.id, 'bump');
    submit(replica, a.id, 'bump');
    replica.runtime.runUntilIdle();
    expect(replyValue(rec.outcome, IDL.Nat)).toBe(1n);
    expect((await callerState()).log).toEqual([
      'first half',
      'bump',
      'bump',
      'second half saw bumps=2',
    ]);
  });
});

describe('outgoing calls are sent only by committed executions', () => {
  it('a call made before a synchronous trap never reaches the callee', async () => {
    // Catches: sending calls eagerly at call() time instead of at commit.
    const err = await t.replica
      .actor<Caller>(a)
      .callThenTrap(b.id)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallRejectedError);
    expect((err as CallRejectedError).rejectCode).toBe(5);
    expect((err as CallRejectedError).rejectMessage).toContain('trap before the await');
    await t.replica.idle();
    expect(t.replica.runtime.pendingCount).toBe(0);
    expect(await calleeCount()).toBe(0n);
    expect((await callerState()).before).toBe(0n);
    expect(t.replica.runtime.openContexts(a.id.toUint8Array())).toBe(0);
  });

  it('the forgotten call leaves nothing queued after stepping the trapping execution', () => {
    // Catches: a trapped execution whose calls are still enqueued (even if later dropped).
    const { replica } = t;
    const sub = submit(replica, a.id, 'callThenTrap', [IDL.Principal], [b.id]);
    stepOnce(replica);
    expect(replica.runtime.pendingCount).toBe(0);
    expect(rejectOf(sub.outcome).code).toBe(5);
  });
});

describe('a trap rolls back only the current execution', () => {
  it('earlier committed executions of the same method stay', async () => {
    // Catches: rolling back further than the trapping execution (e.g. to install state).
    const r = t.replica.actor<Rollback>(
      await t.replica.deploy('test/fixtures/semantics-rollback.ts'),
    );
    expect(await r.record(2n)).toBe(2n);
    expect(await r.record(4n)).toBe(6n);
    const odd = await rejectedCall(r.record(5n));
    expect(odd.rejectCode).toBe(5);
    expect(odd.rejectMessage).toContain('odd 5');
    expect(await r.record(6n)).toBe(12n);
    const snap = JSON.parse(await r.snapshot()) as {
      counter: string;
      history: string[];
    };
    expect(snap.counter).toBe('12');
    expect(snap.history).toEqual(['2', '4', '6']);
  });

  it('the first halves of several awaiting calls stay when all their second halves trap', async () => {
    // Catches: a trap in one callback undoing other executions' commits of the same method.
    const actor = t.replica.actor<Caller>(a);
    const results = await Promise.allSettled([
      actor.stepThenTrap(b.id),
      actor.stepThenTrap(b.id),
      actor.stepThenTrap(b.id),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    const s = await callerState();
    expect(s.before).toBe(3n);
    expect(s.after).toBe(0n);
    expect(await calleeCount()).toBe(3n);
  });
});
