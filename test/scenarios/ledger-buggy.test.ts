/**
 * The buggy ledger (canisters/ledger-buggy) reads a balance before an `await` and writes it
 * after. Schedule exploration must find an interleaving where that loses money (the default
 * FIFO schedule hides it), the failing seed must replay to the very same failure, and the fixed
 * ledger (canisters/ledger) must pass the same scenario on every one of the same seeds.
 */
import { describe, expect, it } from 'vitest';
import { assertAllSchedules, exploreSchedules, seededPolicy } from '@tincan/testing';
import { fifoPolicy } from '@tincan/replica';
import {
  LEDGER,
  LEDGER_BUGGY,
  checkLedgerInvariants,
  runLedgerScenario,
  type LedgerOp,
  type LedgerSnapshot,
} from './scenario-helpers.js';

/** alice, bob, carol start with 100, 50, 10. */
const INITIAL: readonly bigint[] = [100n, 50n, 10n];
/**
 * Carol and bob pay alice while alice pays bob through the hook. In FIFO order both payments
 * land before alice's transfer reads her balance. If the scheduler runs alice's transfer first,
 * a payment can land during her `await`, and her stale write erases it: money lost.
 */
const OPS: readonly LedgerOp[] = [
  { from: 'carol', to: 'alice', amount: 10n, via: 'plain' },
  { from: 'bob', to: 'alice', amount: 20n, via: 'plain' },
  { from: 'alice', to: 'bob', amount: 70n, via: 'accept' },
];
const SEEDS = 30;
const sum = (xs: readonly bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);

describe('buggy ledger: read before await, write after', () => {
  it('passes under the default FIFO schedule', async () => {
    checkLedgerInvariants(
      await runLedgerScenario(LEDGER_BUGGY, fifoPolicy, INITIAL, OPS),
      INITIAL,
      OPS,
    );
  });

  it('exploration finds a seed that loses money, and the seed replays the same failure', async () => {
    const snapshots = new Map<number, LedgerSnapshot>();
    const result = await exploreSchedules({
      seeds: SEEDS,
      run: async (scheduler, seed) => {
        const snapshot = await runLedgerScenario(LEDGER_BUGGY, scheduler, INITIAL, OPS);
        snapshots.set(seed, snapshot);
        checkLedgerInvariants(snapshot, INITIAL, OPS);
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;

    // What broke is conservation: the supply is unchanged, but the balances no longer add up.
    const failed = snapshots.get(result.seed);
    if (failed === undefined) throw new Error('no snapshot of the failing seed');
    expect(failed.supply).toBe(sum(INITIAL));
    expect(
      sum(failed.balances),
      `balances ${failed.balances.join(',')} after seed ${result.seed}`,
    ).toBeLessThan(sum(INITIAL));

    // Determinism: replaying the failing seed gives the same end state and the same error.
    const replay = await runLedgerScenario(LEDGER_BUGGY, seededPolicy(result.seed), INITIAL, OPS);
    expect(replay).toEqual(failed);
    expect(() => checkLedgerInvariants(replay, INITIAL, OPS)).toThrow(result.error.message);
  });

  it('the fixed ledger passes the same scenario on the same seeds', async () => {
    await assertAllSchedules({
      seeds: SEEDS,
      run: async (scheduler) => {
        checkLedgerInvariants(
          await runLedgerScenario(LEDGER, scheduler, INITIAL, OPS),
          INITIAL,
          OPS,
        );
      },
    });
  });

  it('lets two concurrent hook transfers overspend and create money; the fixed ledger answers busy', async () => {
    // Even FIFO shows this one: both of alice's transfers read 100 before either callback runs.
    const ops: LedgerOp[] = [
      { from: 'alice', to: 'bob', amount: 70n, via: 'accept' },
      { from: 'alice', to: 'carol', amount: 70n, via: 'accept' },
    ];
    const buggy = await runLedgerScenario(LEDGER_BUGGY, fifoPolicy, INITIAL, ops);
    expect(buggy.results).toEqual([{ Ok: 3n }, { Ok: 4n }]);
    expect(buggy.balances).toEqual([30n, 120n, 80n]); // alice paid 70, bob and carol got 140
    expect(sum(buggy.balances) - sum(INITIAL)).toBe(70n);

    const fixed = await runLedgerScenario(LEDGER, fifoPolicy, INITIAL, ops);
    expect(fixed.results).toEqual([{ Ok: 3n }, { Err: 'busy' }]);
    checkLedgerInvariants(fixed, INITIAL, ops);
  });
});
