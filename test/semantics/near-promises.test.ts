/**
 * NEAR's promise API (`@tincan/cdk/extensions`) on the runtime: attached cycles reach the callee
 * and what it does not accept comes back, `and(...)` hands one callback every result in order,
 * failures are results (not rollbacks), and the private callback refuses other callers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestReplica, identity } from '@tincan/testing';
import type { TestReplica } from '@tincan/testing';
import type { CanisterHandle } from '@tincan/replica';

const NEAR = 'test/fixtures/near-promises.ts';
const CHANNELS = 'test/fixtures/channels.ts';
const CYCLES = 1_000_000_000_000n;

describe('NEAR promises', () => {
  let t: TestReplica;
  let near: CanisterHandle;
  let callee: CanisterHandle;
  beforeAll(async () => {
    t = await createTestReplica();
    near = await t.replica.deploy(NEAR);
    callee = await t.replica.deploy(CHANNELS);
  });
  afterAll(() => t.dispose());

  it('attaches cycles to the call; the callee keeps what it accepts, the rest is refunded', async () => {
    const n = t.replica.actor<any>(near);
    await t.replica.actor<any>(callee).setAcceptPercent(25n);
    const before = (await n.balance()) as bigint;
    const seen = JSON.parse((await n.fan_out(callee.id, ['accept'], CYCLES)) as string);
    expect(seen).toMatchObject({ label: 'joined', count: 1, sameAsArgument: true });
    const [available, accepted] = (seen.results[0].ok as string).split('|').map(BigInt);
    expect(available).toBe(CYCLES);
    expect(accepted).toBe(CYCLES / 4n);
    const spent = before - ((await n.balance()) as bigint);
    // The accepted quarter, plus call fees far below the refunded three quarters.
    expect(spent >= CYCLES / 4n && spent < CYCLES / 2n, `spent ${spent}`).toBe(true);
  });

  it('joins promises: the callback sees every result in order, failures (a trap, a missing method) included', async () => {
    const n = t.replica.actor<any>(near);
    await t.replica.actor<any>(callee).setAcceptPercent(100n);
    const before = (await n.balance()) as bigint;
    const seen = JSON.parse(
      (await n.fan_out(
        callee.id,
        ['acceptThenTrap', 'accept', 'no_such_method'],
        CYCLES,
      )) as string,
    );
    expect(seen.count).toBe(3);
    expect(seen.sameAsArgument).toBe(true);
    expect(seen.results[0]).toMatchObject({
      code: 5,
      message: expect.stringContaining('accepted, then trapped'),
    });
    expect(seen.results[1].ok).toMatch(new RegExp(`^${CYCLES}\\|${CYCLES}\\|`));
    expect(seen.results[2]).toMatchObject({
      code: 5,
      message: expect.stringMatching(/^IC0536: .*has no update method 'no_such_method'/),
    });
    // Only the second call's cycles were kept; the trapped and the missing method refunded theirs.
    const spent = before - ((await n.balance()) as bigint);
    expect(spent >= CYCLES && spent < CYCLES + CYCLES / 2n, `spent ${spent}`).toBe(true);
  });

  it("without a callback, asReturn gives the reply, or fails the method with the callee's reject", async () => {
    const n = t.replica.actor<any>(near);
    expect(await n.direct(callee.id, 'deadline')).toBe('0');
    const failed = await n.direct(callee.id, 'acceptThenTrap').catch((e: unknown) => e);
    expect(failed).toMatchObject({
      rejectCode: 5,
      rejectMessage: expect.stringContaining('accepted, then trapped'),
    });
  });

  it("rolls a trapping callback back with its undo, and fails the method with the callback's reject", async () => {
    const n = t.replica.actor<any>(near);
    const failed = await n.with_trapping_callback(callee.id, 'deadline').catch((e: unknown) => e);
    expect(failed).toMatchObject({
      rejectCode: 5,
      rejectMessage: expect.stringMatching(/IC0503: .*callback trapped after 1 result\(s\)/),
    });
    expect(await n.undo_count()).toBe(0n);
    expect(t.replica.runtime.openContexts(near.id.toUint8Array())).toBe(0);
  });

  it('refuses the private callback to any other caller, and promiseResult outside a callback', async () => {
    const asUser = t.replica.actor<any>(near, { identity: identity('mallory') });
    const refused = await asUser
      .report([{ Successful: new Uint8Array([1]) }], 'forged')
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({
      rejectCode: 5,
      rejectMessage: expect.stringMatching(
        /this callback is private: caller \S+ is not this canister/,
      ),
    });
    const misuse = await asUser.not_a_callback().catch((e: unknown) => e);
    expect(misuse).toMatchObject({
      rejectCode: 5,
      rejectMessage: expect.stringMatching(
        /promiseResult: this method was not called as a promise callback/,
      ),
    });
  });
});
