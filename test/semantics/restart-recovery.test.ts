/**
 * What a restart cannot resume is answered, never left waiting: call contexts open at the last
 * commit are rejected (CANISTER_ERROR, IC0506) with the cycles they held refunded to their
 * callers; outstanding calls are settled on the caller's side; ingress calls received but never
 * executed get SYS_TRANSIENT; timers are dropped and listed in the canister's log and in
 * `Runtime.recovery`. Each test runs executions one at a time on a file-backed replica, closes
 * it mid-flight and reopens it on the same state directory.
 */
import { randomBytes } from 'node:crypto';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import { ZERO_FEES, useTestReplicas, type TestReplica } from '@tincan/testing';
import type { Outcome, Replica } from '@tincan/replica';
import type Channels from '../fixtures/channels.js';
import type Timers from '../fixtures/timers.js';
import { encode, replyValue, stepOnce, type Relayed } from './helpers.js';

const CHANNELS = 'test/fixtures/channels.ts';
const TIMERS = 'test/fixtures/timers.ts';
const Options = IDL.Record({
  cycles: IDL.Nat,
  timeout: IDL.Opt(IDL.Nat32),
  oneway: IDL.Bool,
  trapAfter: IDL.Bool,
});

const replicas = useTestReplicas();
let t: TestReplica | undefined;

interface Sent {
  readonly requestId: Uint8Array;
  outcome: Outcome | undefined;
}

/** Queues an ingress call under a fresh request id (as the HTTP interface does), without running it. */
function submitWithId(
  replica: Replica,
  canister: Principal,
  method: string,
  arg: Uint8Array,
): Sent {
  const sent: Sent = { requestId: new Uint8Array(randomBytes(32)), outcome: undefined };
  replica.runtime.submit(
    {
      canisterId: canister.toUint8Array(),
      method,
      arg,
      caller: Uint8Array.of(4),
      requestId: sent.requestId,
      expiryNs: replica.timeNs() + 240_000_000_000n,
    },
    (outcome) => {
      sent.outcome = outcome;
    },
  );
  return sent;
}

const logText = (replica: Replica, id: Principal): string =>
  replica
    .logs(id)
    .map((line) => line.message)
    .join('\n');

describe('call contexts open at a restart', () => {
  it('rejects the waiting chain, refunds the held cycles to the caller, and records the ingress reject', async () => {
    t = await replicas.create({ fees: ZERO_FEES });
    const [a, b, c] = [
      await t.replica.deploy(CHANNELS),
      await t.replica.deploy(CHANNELS),
      await t.replica.deploy(CHANNELS),
    ];
    await t.replica.actor<Channels>(b).setNext(c.id);
    const [a0, b0] = [t.replica.cycleBalance(a), t.replica.cycleBalance(b)];
    // ingress → A.relay(B.slow, 1,000 cycles) → B.slow awaits C.deadline.
    const sent = submitWithId(
      t.replica,
      a.id,
      'relay',
      encode(
        [IDL.Principal, IDL.Text, Options],
        [b.id, 'slow', { cycles: 1_000n, timeout: [], oneway: false, trapAfter: false }],
      ),
    );
    stepOnce(t.replica); // A.relay runs and calls B: the 1,000 cycles leave A
    stepOnce(t.replica); // B.slow runs (holds the 1,000 cycles, accepts none) and calls C
    expect(t.replica.cycleBalance(a)).toBe(a0 - 1_000n);
    expect(t.replica.runtime.openContexts(a.id.toUint8Array())).toBe(1);
    expect(t.replica.runtime.openContexts(b.id.toUint8Array())).toBe(1);
    expect(sent.outcome).toBeUndefined();

    const replica = await t.restart(); // B's call to C was still queued: lost with the process
    const report = replica.runtime.recovery;
    expect(report.rejectedContexts).toBe(2); // A's (ingress) and B's (A's call)
    expect(report.lostCalls).toBe(2); // A → B and B → C
    expect(report.refundedCycles).toBe(1_000n);
    // Cycles are conserved: the 1,000 B held go back to A; B keeps what it had.
    expect(replica.cycleBalance(a)).toBe(a0);
    expect(replica.cycleBalance(b)).toBe(b0);
    expect(replica.runtime.openContexts(a.id.toUint8Array())).toBe(0);

    const record = replica.runtime.ingressRecord(sent.requestId);
    expect(record?.outcome).toMatchObject({ reject: { code: 5, errorCode: 'IC0506' } });
    const message =
      record?.outcome !== undefined && 'reject' in record.outcome
        ? record.outcome.reject.message
        : '';
    expect(message).toMatch(
      new RegExp(
        `^Canister ${a.id.toText()} did not reply to the call: the replica restarted while 'relay' was waiting`,
      ),
    );

    expect(logText(replica, a.id)).toMatch(
      new RegExp(
        `\\[restart\\] the call to ${b.id.toText()} 'slow' was in flight .* 1000 cycles were refunded`,
      ),
    );
    expect(logText(replica, b.id)).toMatch(
      new RegExp(
        `\\[restart\\] the call to 'slow' from canister ${a.id.toText()} was waiting .* reject 5`,
      ),
    );
    expect(logText(replica, b.id)).toMatch(
      new RegExp(`\\[restart\\] the call to ${c.id.toText()} 'deadline' was in flight`),
    );
    // B's first half committed before the wait; nothing after it ran.
    const state = JSON.parse(await replica.actor<Channels>(b).state()) as { worked: string };
    expect(state.worked).toBe('0');

    // The replica works normally after recovery, and a second open finds nothing left to answer.
    const again = await replica.actor<Channels>(a).relay(b.id, 'slow', {
      cycles: 10n,
      timeout: [],
      oneway: false,
      trapAfter: false,
    });
    expect(JSON.parse(again) as Relayed).toMatchObject({ reply: 'slow done', refunded: '10' });
    const reopened = await t.restart();
    expect(reopened.runtime.recovery).toMatchObject({
      rejectedContexts: 0,
      lostCalls: 0,
      droppedTimers: [],
    });
    expect(reopened.runtime.ingressRecord(sent.requestId)?.outcome).toEqual(record?.outcome);
  });

  it('refunds the refund of a response that was queued but whose callback had not run', async () => {
    t = await replicas.create({ fees: ZERO_FEES });
    const [a, b] = [await t.replica.deploy(CHANNELS), await t.replica.deploy(CHANNELS)];
    await t.replica.actor<Channels>(b).setAcceptPercent(25n);
    const [a0, b0] = [t.replica.cycleBalance(a), t.replica.cycleBalance(b)];
    const sent = submitWithId(
      t.replica,
      a.id,
      'relay',
      encode(
        [IDL.Principal, IDL.Text, Options],
        [b.id, 'accept', { cycles: 1_000n, timeout: [], oneway: false, trapAfter: false }],
      ),
    );
    stepOnce(t.replica); // A calls B with 1,000
    stepOnce(t.replica); // B accepts 250 and replies: the response (refund 750) is queued
    expect(t.replica.cycleBalance(b)).toBe(b0 + 250n);
    const replica = await t.restart();
    expect(replica.cycleBalance(a)).toBe(a0 - 250n);
    expect(replica.cycleBalance(b)).toBe(b0 + 250n);
    expect(replica.runtime.recovery).toMatchObject({
      rejectedContexts: 1,
      lostCalls: 1,
      refundedCycles: 750n,
    });
    expect(replica.runtime.ingressRecord(sent.requestId)?.outcome).toMatchObject({
      reject: { code: 5, errorCode: 'IC0506' },
    });
  });

  it('answers an ingress call that was received but never executed with SYS_TRANSIENT', async () => {
    t = await replicas.create({ fees: ZERO_FEES });
    const a = await t.replica.deploy(CHANNELS);
    const first = submitWithId(t.replica, a.id, 'deadline', encode([], []));
    const second = submitWithId(t.replica, a.id, 'deadline', encode([], []));
    stepOnce(t.replica); // only the first runs; the batch's COMMIT records the second as received
    expect(replyValue(first.outcome, IDL.Text)).toBe('0');
    const replica = await t.restart();
    expect(replica.runtime.recovery.unexecutedIngress).toBe(1);
    expect(replica.runtime.ingressRecord(first.requestId)?.outcome).toEqual(first.outcome);
    const kept = replica.runtime.ingressRecord(second.requestId)?.outcome;
    expect(kept).toMatchObject({ reject: { code: 2 } });
    expect(kept !== undefined && 'reject' in kept ? kept.reject.message : '').toMatch(
      /restarted before this call was executed: it was not executed/,
    );
  });
});

describe('timers at a restart', () => {
  it('drops them, lists each in the canister log and the recovery report, and never fires them', async () => {
    t = await replicas.create({ fees: ZERO_FEES });
    const timers = await t.replica.deploy(TIMERS); // @init sets a one-shot timer (100 s)
    await t.replica.actor<Timers>(timers).every('tick', 60);
    const replica = await t.restart();
    const dropped = replica.runtime.recovery.droppedTimers;
    expect(dropped.map((timer) => [timer.timerId, timer.intervalNs])).toEqual([
      [1, 0n],
      [2, 60_000_000_000n],
    ]);
    const log = logText(replica, timers.id);
    expect(log).toMatch(
      /\[restart\] timer 1 \(one-shot, next due at 2026-01-01T00:01:40\.000Z\) was dropped: timers do not survive a restart/,
    );
    expect(log).toMatch(/\[restart\] timer 2 \(every 60000 ms, next due at .*\) was dropped/);
    await replica.advanceTime(300_000);
    expect(await replica.actor<Timers>(timers).log()).toEqual([]);
    // Reported once: a second restart has nothing to drop.
    expect((await t.restart()).runtime.recovery.droppedTimers).toEqual([]);
  });
});
