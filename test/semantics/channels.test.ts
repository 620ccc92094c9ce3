/**
 * ICP semantics: the two call channels. A guaranteed-response call (the default)
 * gets exactly one reply or reject and never SYS_UNKNOWN; a bounded-wait call
 * (`timeout: seconds`) carries a deadline the callee can read, and at that deadline (replica
 * time) its caller gets SYS_UNKNOWN, refunds nothing, and a late reply is dropped. Load
 * shedding drops bounded-wait messages only, deterministically for a seed. One-way calls
 * send and forget.
 */
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import {
  TEST_EPOCH_NS,
  ZERO_FEES,
  useTestReplicas,
  type TestReplica,
  type TestReplicaOptions,
} from '@tincan/testing';
import type { CanisterHandle, Replica } from '@tincan/replica';
import { channelState, replyValue, submit } from './helpers.js';
import type { Channels, Relayed, RelayOptions } from './helpers.js';

const FIXTURE = 'test/fixtures/channels.ts';
const Options = IDL.Record({
  cycles: IDL.Nat,
  timeout: IDL.Opt(IDL.Nat32),
  oneway: IDL.Bool,
  trapAfter: IDL.Bool,
});
const SECOND_NS = 1_000_000_000n;

const replicas = useTestReplicas();
let t: TestReplica | undefined;

/** A replica with three fixture canisters: A calls B, which may call C. */
async function setUp(
  options: TestReplicaOptions = {},
): Promise<{ replica: Replica; a: CanisterHandle; b: CanisterHandle; c: CanisterHandle }> {
  t = await replicas.create({ fees: ZERO_FEES, ...options });
  const { replica } = t;
  const [a, b, c] = [
    await replica.deploy(FIXTURE),
    await replica.deploy(FIXTURE),
    await replica.deploy(FIXTURE),
  ];
  return { replica, a, b, c };
}

/** Options of a relay call. */
function options(
  o: { cycles?: bigint; timeout?: number; oneway?: boolean; trapAfter?: boolean } = {},
): RelayOptions {
  return {
    cycles: o.cycles ?? 0n,
    timeout: o.timeout === undefined ? [] : [o.timeout],
    oneway: o.oneway ?? false,
    trapAfter: o.trapAfter ?? false,
  };
}

async function relay(
  replica: Replica,
  from: CanisterHandle,
  to: Principal,
  method: string,
  o: Parameters<typeof options>[0] = {},
): Promise<Relayed> {
  return JSON.parse(await replica.actor<Channels>(from).relay(to, method, options(o))) as Relayed;
}

/** Queues `relay` on the runtime without running it, for tests that step executions. */
function submitRelay(
  replica: Replica,
  from: CanisterHandle,
  to: Principal,
  method: string,
  o: Parameters<typeof options>[0] = {},
): ReturnType<typeof submit> {
  return submit(
    replica,
    from.id,
    'relay',
    [IDL.Principal, IDL.Text, Options],
    [to, method, options(o)],
  );
}

describe('deadlines the callee sees', () => {
  it('is 0 for a guaranteed-response call and for ingress', async () => {
    // Catches: a deadline invented for unbounded calls, or ingress given one.
    const { replica, a, b } = await setUp();
    expect(await replica.actor<Channels>(b).deadline()).toBe('0');
    expect(await relay(replica, a, b.id, 'deadline')).toMatchObject({ reply: '0' });
  });

  it("is the caller's time plus the timeout, capped at 300 s", async () => {
    // Catches: deadlines on the wrong clock, in the wrong unit, or without the 300 s cap.
    const { replica, a, b } = await setUp();
    expect(await relay(replica, a, b.id, 'deadline', { timeout: 10 })).toMatchObject({
      reply: String(TEST_EPOCH_NS + 10n * SECOND_NS),
    });
    expect(await relay(replica, a, b.id, 'deadline', { timeout: 100_000 })).toMatchObject({
      reply: String(TEST_EPOCH_NS + 300n * SECOND_NS),
    });
  });
});

describe('bounded-wait calls at their deadline', () => {
  it('answer the caller SYS_UNKNOWN (IC0601) exactly once and drop the late reply', async () => {
    // Catches: a deadline that never fires, a second answer when the real reply comes late,
    // or the late reply overtaking the SYS_UNKNOWN.
    const { replica, a, b, c } = await setUp();
    await replica.actor<Channels>(b).setNext(c.id);
    const answered = submitRelay(replica, a, b.id, 'slow', { timeout: 5 });
    replica.runtime.step(); // A sends the bounded call
    replica.runtime.step(); // B.slow starts and awaits C
    t?.clock?.advanceMs(6_000); // the deadline passes while B waits
    replica.runtime.runUntilIdle();
    const seen = JSON.parse(replyValue(answered.outcome, IDL.Text) as string) as Relayed;
    expect(seen).toMatchObject({ code: 6, message: 'Call deadline has expired', refunded: '0' });
    expect((await channelState(replica, b)).worked).toBe('1'); // B did reply; its reply was dropped
    expect(replica.runtime.openContexts(a.id.toUint8Array())).toBe(0);
  });

  it('drops a request still queued at its deadline, unexecuted, and the attached cycles are lost', async () => {
    // Catches: expired requests still run, or cycles of a SYS_UNKNOWN call refunded.
    const { replica, a, b } = await setUp();
    const balanceA = replica.cycleBalance(a);
    const answered = submitRelay(replica, a, b.id, 'accept', { timeout: 1, cycles: 5_000n });
    replica.runtime.step(); // A sends; B's request is queued
    t?.clock?.advanceMs(1_000);
    replica.runtime.runUntilIdle();
    expect(JSON.parse(replyValue(answered.outcome, IDL.Text) as string)).toMatchObject({
      code: 6,
      refunded: '0',
    });
    expect((await channelState(replica, b)).received).toBe('0');
    expect(replica.cycleBalance(a)).toBe(balanceA - 5_000n);
    expect(replica.cycleBalance(b)).toBe(balanceA);
  });

  it('fire on the wall clock too: the driver wakes for the next deadline', async () => {
    // Catches: deadlines only checked when some other message happens to run.
    t = await replicas.create({
      fees: ZERO_FEES,
      clock: { nowNs: () => BigInt(Date.now()) * 1_000_000n },
    });
    const { replica } = t;
    const [a, b] = [await replica.deploy(FIXTURE), await replica.deploy(FIXTURE)];
    expect(replica.runtime.nextTimerNs()).toBeUndefined();
    const answered = submitRelay(replica, a, b.id, 'deadline', { timeout: 0 });
    replica.runtime.step(); // A sends a call whose deadline is now
    expect(replica.runtime.nextTimerNs()).toBeDefined();
    await replica.idle();
    expect(JSON.parse(replyValue(answered.outcome, IDL.Text) as string)).toMatchObject({ code: 6 });
  });
});

describe('guaranteed-response calls', () => {
  it('never get SYS_UNKNOWN, however long the callee takes', async () => {
    // Catches: a timeout applied to unbounded calls.
    const { replica, a, b, c } = await setUp();
    await replica.actor<Channels>(b).setNext(c.id);
    const answered = submitRelay(replica, a, b.id, 'slow');
    replica.runtime.step();
    replica.runtime.step();
    t?.clock?.advanceMs(3_600_000);
    replica.runtime.runUntilIdle();
    expect(JSON.parse(replyValue(answered.outcome, IDL.Text) as string)).toMatchObject({
      reply: 'slow done',
    });
  });
});

describe('one-way calls', () => {
  it('return at once, run the callee, and still refund what it did not accept', async () => {
    // Catches: one-way calls that wait for the callee, never run it, or lose the refund.
    const { replica, a, b } = await setUp();
    await replica.actor<Channels>(b).setAcceptPercent(40n);
    const [balanceA, balanceB] = [replica.cycleBalance(a), replica.cycleBalance(b)];
    expect(await relay(replica, a, b.id, 'accept', { oneway: true, cycles: 1_000n })).toMatchObject(
      { reply: null },
    );
    await replica.idle();
    expect((await channelState(replica, b)).received).toBe('400');
    expect(replica.cycleBalance(a)).toBe(balanceA - 400n);
    expect(replica.cycleBalance(b)).toBe(balanceB + 400n);
  });
});

describe('load shedding', () => {
  it('drops bounded-wait calls (SYS_UNKNOWN, IC0602) and never guaranteed ones', async () => {
    // Catches: shedding applied to guaranteed-response calls, or not applied at all.
    const { replica, a, b } = await setUp({ loadShedding: { dropProbability: 1, seed: 7 } });
    const shed = await relay(replica, a, b.id, 'deadline', { timeout: 30 });
    expect(shed).toMatchObject({ code: 6 });
    expect(shed.message).toMatch(/dropped/);
    expect(await relay(replica, a, b.id, 'deadline')).toMatchObject({ reply: '0' });
  });

  it('drops the same messages for the same seed', async () => {
    // Catches: shedding driven by host randomness, so a failing run cannot be replayed.
    const pattern = async (seed: number): Promise<string> => {
      const { replica, a, b } = await setUp({ loadShedding: { dropProbability: 0.5, seed } });
      let seen = '';
      for (let i = 0; i < 16; i++) {
        const answered = submitRelay(replica, a, b.id, 'deadline', { timeout: 30 });
        replica.runtime.runUntilIdle();
        // A dropped response leaves the caller waiting for its deadline: let it pass.
        t?.clock?.advanceMs(31_000);
        replica.runtime.runUntilIdle();
        seen +=
          (JSON.parse(replyValue(answered.outcome, IDL.Text) as string) as Relayed).code === 6
            ? 'x'
            : '.';
      }
      await t?.dispose();
      t = undefined;
      return seen;
    };
    const first = await pattern(42);
    expect(first).toMatch(/x/);
    expect(first).toMatch(/\./);
    expect(await pattern(42)).toBe(first);
    expect(await pattern(43)).not.toBe(first);
  });
});
