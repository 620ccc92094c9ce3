import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, Subnets, ZERO_FEES } from '@tincan/replica';
import { TEST_EPOCH_NS, createTestSubnets, type TestSubnets } from '@tincan/testing';
import type XnetPeer from '../fixtures/xnet-peer.js';

const PEER = 'test/fixtures/xnet-peer.ts';

let t: TestSubnets | undefined;
let reopened: Subnets | undefined;
afterEach(async () => {
  await reopened?.close();
  reopened = undefined;
  await t?.dispose();
  t = undefined;
});

/** Refuses every slice from subnet `blocked` (an undecodable certificate); others pass. */
function block(subnets: Subnets, blocked: ReadonlySet<number>): void {
  subnets.xnet.intercept = (from, _to, slice) => (blocked.has(from) ? Uint8Array.of(0) : slice);
}

function reopen(stateDir: string): Promise<Subnets> {
  return Subnets.create({
    count: 2,
    stateDir,
    clock: new ManualClock(TEST_EPOCH_NS + 60_000_000_000n),
    fees: ZERO_FEES,
  });
}

describe('XNet streams across a restart', { timeout: 180_000 }, () => {
  it('resumes every stream: queued requests run once and in order, queued responses settle, nothing runs twice', async () => {
    t = await createTestSubnets({ fees: ZERO_FEES });
    const { subnets, stateDir } = t;
    const a = await subnets.deploy(0, PEER);
    const b = await subnets.deploy(1, PEER);
    const balanceA = subnets.replica(0).cycleBalance(a);
    const balanceB = subnets.replica(1).cycleBalance(b);

    // Responses queued: B runs a0..a2, its replies wait in the stream from subnet 1.
    block(subnets, new Set([1]));
    const answered = ['a0', 'a1', 'a2'];
    for (const entry of answered) void subnets.actor<XnetPeer>(a).relayAppend(b.id, entry);
    await subnets.runUntilIdle();
    expect(await subnets.actor<XnetPeer>(b).getLog()).toEqual(answered);

    // Requests queued: b0..b2 (and a call with cycles) wait in the stream from subnet 0.
    block(subnets, new Set([0, 1]));
    const queued = ['b0', 'b1', 'b2'];
    for (const entry of queued) void subnets.actor<XnetPeer>(a).relayAppend(b.id, entry);
    void subnets.actor<XnetPeer>(a).sendCycles(b.id, 1_000_000n);
    await subnets.runUntilIdle();
    expect(await subnets.actor<XnetPeer>(b).getLog()).toEqual(answered);
    expect(subnets.xnet.callsInFlight).toBe(7);
    expect(subnets.replica(0).cycleBalance(a)).toBe(balanceA - 1_000_000n);
    await subnets.close();

    reopened = await reopen(stateDir);
    // The runtime's recovery answered each open call of A (its continuations are gone) once,
    // and refunded the cycles it had attached.
    expect(reopened.replica(0).runtime.recovery).toMatchObject({
      rejectedContexts: 7,
      lostCalls: 7,
      refundedCycles: 1_000_000n,
    });
    expect(reopened.xnet.callsInFlight).toBe(7);
    await reopened.runUntilIdle();
    // Every request that left a committed execution ran on B exactly once, in stream order.
    expect(await reopened.actor<XnetPeer>(b).getLog()).toEqual([...answered, ...queued]);
    // Every call from before the restart got its one answer; no response is left waiting.
    expect(reopened.xnet.callsInFlight).toBe(0);
    expect(reopened.xnet.pending).toBe(false);
    // Cycles are conserved: A got back what it attached, the request ran without it.
    expect(reopened.replica(0).cycleBalance(a)).toBe(balanceA);
    expect(reopened.replica(1).cycleBalance(b)).toBe(balanceB);
    // Calls across subnets work as before.
    const [add] = await Promise.all([
      reopened.actor<XnetPeer>(a).relayAdd(b.id, 5n),
      reopened.runUntilIdle(),
    ]);
    expect(add).toBe(5n);
    await reopened.close();

    // A second restart finds nothing left to deliver and runs nothing twice.
    reopened = await reopen(stateDir);
    expect(reopened.xnet.callsInFlight).toBe(0);
    await reopened.runUntilIdle();
    expect(await reopened.actor<XnetPeer>(b).getLog()).toEqual([...answered, ...queued]);
    expect(await reopened.actor<XnetPeer>(b).getCount()).toBe(5n);
  });

  it('answers an inducted request whose callee is uninstalled while it awaits, and keeps the answer in the stream', async () => {
    t = await createTestSubnets({ fees: ZERO_FEES });
    const { subnets, stateDir } = t;
    const a = await subnets.deploy(0, PEER);
    const b = await subnets.deploy(1, PEER);
    const c = await subnets.deploy(0, PEER);
    // A asks B (subnet 1) to relay to C (subnet 0); B's reply path and its call to C wait.
    block(subnets, new Set([1]));
    const call = subnets.actor<XnetPeer>(a).relayVia(b.id, c.id, 3n);
    call.catch(() => undefined);
    await subnets.runUntilIdle();
    // Outside any batch: B's open context (from subnet 0's stream) is answered, and the
    // answer is written to the stream before the uninstall's own transaction.
    subnets.replica(1).uninstall(b);
    await subnets.close();

    reopened = await reopen(stateDir);
    await reopened.runUntilIdle();
    expect(reopened.xnet.callsInFlight).toBe(0);
    expect(reopened.xnet.pending).toBe(false);
    // B's relayed add reached C once (the request had left B's committed execution).
    expect(await reopened.actor<XnetPeer>(c).getCount()).toBe(3n);
  });
});
