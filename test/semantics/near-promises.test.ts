/**
 * NEAR's promise API (`@tincan/cdk/extensions`) on the runtime: attached cycles reach the callee
 * and what it does not accept comes back, `and(...)` hands one callback every result in order,
 * failures are results (not rollbacks), and the private callback refuses other callers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { identity, useTestReplica } from '@tincan/testing';
import type { CanisterHandle } from '@tincan/replica';
import type Channels from '../fixtures/channels.js';
import type NearPromises from '../fixtures/near-promises.js';
import { rejectedCall } from './helpers.js';

const NEAR = 'test/fixtures/near-promises.ts';
const CHANNELS = 'test/fixtures/channels.ts';
const CYCLES = 1_000_000_000_000n;

/** One result as the fixture's `report` describes it: a success's text, or a reject. */
interface ResultJson {
  ok?: string;
  code?: number;
  message?: string;
}

/** What the fixture's `report` callback answers, as JSON. */
interface Report {
  label: string;
  count: number;
  results: ResultJson[];
  sameAsArgument: boolean;
}

describe('NEAR promises', () => {
  const t = useTestReplica({}, { scope: 'file' });
  let near: CanisterHandle;
  let callee: CanisterHandle;
  beforeAll(async () => {
    near = await t.replica.deploy(NEAR);
    callee = await t.replica.deploy(CHANNELS);
  });

  it('attaches cycles to the call; the callee keeps what it accepts, the rest is refunded', async () => {
    const n = t.replica.actor<NearPromises>(near);
    await t.replica.actor<Channels>(callee).setAcceptPercent(25n);
    const before = await n.balance();
    const seen = JSON.parse(await n.fan_out(callee.id, ['accept'], CYCLES)) as Report;
    expect(seen).toMatchObject({ label: 'joined', count: 1, sameAsArgument: true });
    const [available, accepted] = (seen.results[0]?.ok ?? '').split('|').map(BigInt);
    expect(available).toBe(CYCLES);
    expect(accepted).toBe(CYCLES / 4n);
    const spent = before - (await n.balance());
    // The accepted quarter, plus call fees far below the refunded three quarters.
    expect(spent >= CYCLES / 4n && spent < CYCLES / 2n, `spent ${spent}`).toBe(true);
  });

  it('joins promises: the callback sees every result in order, failures (a trap, a missing method) included', async () => {
    const n = t.replica.actor<NearPromises>(near);
    await t.replica.actor<Channels>(callee).setAcceptPercent(100n);
    const before = await n.balance();
    const seen = JSON.parse(
      await n.fan_out(callee.id, ['acceptThenTrap', 'accept', 'no_such_method'], CYCLES),
    ) as Report;
    expect(seen.count).toBe(3);
    expect(seen.sameAsArgument).toBe(true);
    expect(seen.results[0]?.code).toBe(5);
    expect(seen.results[0]?.message).toContain('accepted, then trapped');
    expect(seen.results[1]?.ok).toMatch(new RegExp(`^${CYCLES}\\|${CYCLES}\\|`));
    expect(seen.results[2]?.code).toBe(5);
    expect(seen.results[2]?.message).toMatch(/^IC0536: .*has no update method 'no_such_method'/);
    // Only the second call's cycles were kept; the trapped and the missing method refunded theirs.
    const spent = before - (await n.balance());
    expect(spent >= CYCLES && spent < CYCLES + CYCLES / 2n, `spent ${spent}`).toBe(true);
  });

  it("without a callback, asReturn gives the reply, or fails the method with the callee's reject", async () => {
    const n = t.replica.actor<NearPromises>(near);
    expect(await n.direct(callee.id, 'deadline')).toBe('0');
    const failed = await rejectedCall(n.direct(callee.id, 'acceptThenTrap'));
    expect(failed.rejectCode).toBe(5);
    expect(failed.rejectMessage).toContain('accepted, then trapped');
  });

  it("rolls a trapping callback back with its undo, and fails the method with the callback's reject", async () => {
    const n = t.replica.actor<NearPromises>(near);
    const failed = await rejectedCall(n.with_trapping_callback(callee.id, 'deadline'));
    expect(failed.rejectCode).toBe(5);
    expect(failed.rejectMessage).toMatch(/IC0503: .*callback trapped after 1 result\(s\)/);
    expect(await n.undo_count()).toBe(0n);
    expect(t.replica.runtime.openContexts(near.id.toUint8Array())).toBe(0);
  });

  it('refuses the private callback to any other caller, and promiseResult outside a callback', async () => {
    const asUser = t.replica.actor<NearPromises>(near, { identity: identity('mallory') });
    const refused = await rejectedCall(
      asUser.report([{ Successful: new Uint8Array([1]) }], 'forged'),
    );
    expect(refused.rejectCode).toBe(5);
    expect(refused.rejectMessage).toMatch(
      /this callback is private: caller \S+ is not this canister/,
    );
    const misuse = await rejectedCall(asUser.not_a_callback());
    expect(misuse.rejectCode).toBe(5);
    expect(misuse.rejectMessage).toMatch(
      /promiseResult: this method was not called as a promise callback/,
    );
  });
});
