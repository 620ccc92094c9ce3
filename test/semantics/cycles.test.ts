/**
 * ICP semantics: cycles. Attached cycles leave the caller at once (and come back if its
 * execution traps); the callee accepts part of them; the rest is refunded with the answer.
 * Fees follow ICP's 13-node table unless zeroed; a canister below its freezing threshold is
 * frozen and new calls to it get SYS_TRANSIENT.
 */
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import { CallRejectedError, ZERO_FEES, useTestReplicas, type TestReplica } from '@tincan/testing';
import {
  ICP_13_NODE_FEES,
  type CanisterHandle,
  type ExecutionInfo,
  type Replica,
} from '@tincan/replica';
import { MISSING_CANISTER, channelState } from './helpers.js';
import type { Channels, Relayed, RelayOptions } from './helpers.js';

const FIXTURE = 'test/fixtures/channels.ts';

const replicas = useTestReplicas();
let t: TestReplica | undefined;

async function pair(): Promise<{ replica: Replica; a: CanisterHandle; b: CanisterHandle }> {
  t = await replicas.create({ fees: ZERO_FEES });
  return {
    replica: t.replica,
    a: await t.replica.deploy(FIXTURE),
    b: await t.replica.deploy(FIXTURE),
  };
}

async function relay(
  replica: Replica,
  from: CanisterHandle,
  to: Principal,
  method: string,
  cycles: bigint,
): Promise<Relayed> {
  const options: RelayOptions = { cycles, timeout: [], oneway: false, trapAfter: false };
  return JSON.parse(await replica.actor<Channels>(from).relay(to, method, options)) as Relayed;
}

const received = async (replica: Replica, c: CanisterHandle): Promise<bigint> =>
  BigInt((await channelState(replica, c)).received);

describe('attach, accept, refund', () => {
  it('moves what the callee accepts and refunds the rest; accepted + refunded = attached', async () => {
    // Catches: refunds lost or doubled, cycles created, accept taking more than asked.
    const { replica, a, b } = await pair();
    const [a0, b0] = [replica.cycleBalance(a), replica.cycleBalance(b)];
    await replica.actor<Channels>(b).setAcceptPercent(30n);
    const seen = await relay(replica, a, b.id, 'accept', 1_000n);
    expect(seen.reply).toBe('1000|300|0'); // available, accepted, deadline
    expect(seen.refunded).toBe('700');
    expect(replica.cycleBalance(a)).toBe(a0 - 300n);
    expect(replica.cycleBalance(b)).toBe(b0 + 300n);
    expect(await received(replica, b)).toBe(300n);
  });

  it('accepts at most what is available, and never traps on a bad amount', async () => {
    // Catches: accept moving more than attached, or trapping on a negative amount.
    const { replica, a, b } = await pair();
    const seen = await relay(replica, a, b.id, 'greedy', 500n);
    expect(seen.reply).toBe('500|500|0|0'); // available, first accept, negative accept, left
    expect(seen.refunded).toBe('0');
  });

  it('gives everything back when the callee traps after accepting', async () => {
    // Catches: an acceptance kept although the execution that made it rolled back.
    const { replica, a, b } = await pair();
    const [a0, b0] = [replica.cycleBalance(a), replica.cycleBalance(b)];
    const seen = await relay(replica, a, b.id, 'acceptThenTrap', 1_000n);
    expect(seen).toMatchObject({ code: 5, refunded: '1000' });
    expect(replica.cycleBalance(a)).toBe(a0);
    expect(replica.cycleBalance(b)).toBe(b0);
    expect(await received(replica, b)).toBe(0n);
  });

  it('refunds all attached cycles when the system rejects the call (missing canister)', async () => {
    // Catches: cycles swallowed by system rejects.
    const { replica, a } = await pair();
    const a0 = replica.cycleBalance(a);
    expect(await relay(replica, a, MISSING_CANISTER, 'accept', 1_000n)).toMatchObject({
      code: 3,
      refunded: '1000',
    });
    expect(replica.cycleBalance(a)).toBe(a0);
  });

  it('takes attached cycles at once and restores them when the calling execution traps', async () => {
    // Catches: attaching not reflected in the balance, or lost although the call was never sent.
    const { replica, a, b } = await pair();
    const a0 = replica.cycleBalance(a);
    const err = await replica
      .actor<Channels>(a)
      .attachThenTrap(b.id, 1_000n)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(CallRejectedError);
    expect((err as CallRejectedError).rejectMessage).toContain(`balance seen ${a0 - 1_000n}`);
    await replica.idle();
    expect(replica.cycleBalance(a)).toBe(a0);
    expect(await received(replica, b)).toBe(0n);
  });

  it('refuses a call the caller cannot pay (InsufficientLiquidCycleBalance), deducting nothing', async () => {
    // Catches: balances driven negative, or a failed attach that still deducts.
    const { replica, a, b } = await pair();
    const a0 = replica.cycleBalance(a);
    expect(await relay(replica, a, b.id, 'accept', a0 + 1n)).toMatchObject({
      type: 'InsufficientLiquidCycleBalance',
    });
    expect(replica.cycleBalance(a)).toBe(a0);
  });

  it('persists balances across a restart', async () => {
    // Catches: balances kept only in memory.
    const { replica, a, b } = await pair();
    await relay(replica, a, b.id, 'accept', 1_234n);
    const [a1, b1] = [replica.cycleBalance(a), replica.cycleBalance(b)];
    const reopened = await t!.restart();
    expect([reopened.cycleBalance(a), reopened.cycleBalance(b)]).toEqual([a1, b1]);
  });
});

describe('balance and burning', () => {
  it('reads the balance and burns cycles, never below the freezing threshold', async () => {
    // Catches: burn ignoring the threshold, or not lowering the balance.
    // No charges, but ICP's idle burn, so the canister has a freezing threshold.
    t = await replicas.create({
      fees: { ...ZERO_FEES, storagePerGiBSecond: ICP_13_NODE_FEES.storagePerGiBSecond },
    });
    const { replica } = t;
    const a = await replica.deploy(FIXTURE);
    const a0 = replica.cycleBalance(a);
    expect(await replica.actor<Channels>(a).balance()).toBe(a0);
    expect(await replica.actor<Channels>(a).burn(1_000n)).toBe(`1000|${a0 - 1_000n}`);
    expect(replica.cycleBalance(a)).toBe(a0 - 1_000n);
    const [burned] = (await replica.actor<Channels>(a).burn(a0 * 2n)).split('|');
    const threshold = a0 - 1_000n - BigInt(burned ?? '0');
    expect(threshold).toBeGreaterThan(0n); // the default threshold (30 days of idle burn) stays
    expect(replica.cycleBalance(a)).toBe(threshold);
  });
});

describe('charges', () => {
  it("charges ICP's 13-node fees: ingress, execution base and units, calls by size", async () => {
    // Catches: fees not charged, charged twice, or not matching the documented table.
    const executions: ExecutionInfo[] = [];
    t = await replicas.create({ onExecution: (info) => executions.push(info) });
    const { replica } = t;
    const [a, b] = [await replica.deploy(FIXTURE), await replica.deploy(FIXTURE)];
    const [a0, b0] = [replica.cycleBalance(a), replica.cycleBalance(b)];
    executions.length = 0;
    const options: RelayOptions = { cycles: 0n, timeout: [], oneway: false, trapAfter: false };
    const arg = IDL.encode(
      [
        IDL.Principal,
        IDL.Text,
        IDL.Record({
          cycles: IDL.Nat,
          timeout: IDL.Opt(IDL.Nat32),
          oneway: IDL.Bool,
          trapAfter: IDL.Bool,
        }),
      ],
      [b.id, 'deadline', options],
    );
    await replica.actor<Channels>(a).relay(b.id, 'deadline', options);
    const fees = ICP_13_NODE_FEES;
    const charged = (c: CanisterHandle): bigint =>
      executions
        .filter((e) => e.canisterId.every((x, i) => x === c.id.toUint8Array()[i]))
        .reduce((s, e) => s + e.cyclesCharged, 0n);
    expect(executions.map((e) => e.kind)).toEqual(['update', 'update', 'response']);
    expect(executions.every((e) => e.instructions > 0)).toBe(true);
    for (const e of executions)
      expect(e.cyclesCharged).toBe(fees.executionBase + BigInt(e.instructions));
    const ingress =
      fees.ingressBase + fees.ingressPerByte * BigInt('relay'.length + arg.byteLength);
    const callArg = IDL.encode([], []).byteLength;
    const callFee = fees.callBase + fees.callPerByte * BigInt('deadline'.length + callArg);
    expect(a0 - replica.cycleBalance(a)).toBe(ingress + callFee + charged(a));
    expect(b0 - replica.cycleBalance(b)).toBe(charged(b));
  });

  it('charges nothing with ZERO_FEES', async () => {
    // Catches: fees charged although the replica setting zeroes them.
    const { replica, a, b } = await pair();
    const [a0, b0] = [replica.cycleBalance(a), replica.cycleBalance(b)];
    await relay(replica, a, b.id, 'deadline', 0n);
    expect([replica.cycleBalance(a), replica.cycleBalance(b)]).toEqual([a0, b0]);
  });
});

describe('freezing', () => {
  it('rejects new calls to a canister below its freezing threshold with SYS_TRANSIENT (IC0207)', async () => {
    // Catches: a frozen canister still executing new calls.
    t = await replicas.create();
    const { replica } = t;
    const poor = await replica.deploy(FIXTURE, { cycles: 1_000n });
    const a = await replica.deploy(FIXTURE);
    const err = await replica
      .actor<Channels>(poor)
      .deadline()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(CallRejectedError);
    expect((err as CallRejectedError).rejectCode).toBe(2);
    expect((err as CallRejectedError).errorCode).toBe('IC0207');
    expect(await relay(replica, a, poor.id, 'accept', 10n)).toMatchObject({
      code: 2,
      refunded: '10',
    });
    expect(replica.cycleBalance(poor)).toBe(1_000n); // a refused call costs the callee nothing
    replica.depositCycles(poor, 10_000_000_000_000n);
    expect(await replica.actor<Channels>(poor).deadline()).toBe('0');
  });

  it('a zero freezing threshold keeps an empty canister running (with zero fees)', async () => {
    // Catches: a threshold that ignores the freezingThresholdSeconds setting.
    t = await replicas.create({ fees: ZERO_FEES });
    const c = await t.replica.deploy(FIXTURE, {
      cycles: 0n,
      settings: { freezingThresholdSeconds: 0n },
    });
    expect(await t.replica.actor<Channels>(c).deadline()).toBe('0');
  });
});
