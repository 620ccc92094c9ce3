/**
 * Ledger property: random concurrent transfers among a few users — plain ones and ones through
 * the notify hook whose receiver accepts, rejects or traps — under random seeded schedules.
 * Whatever the interleaving, the ledger must conserve money and release every lock.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IDL } from '@dfinity/candid';
import { createTestReplica, identity, seededPolicy } from '@tincan/testing';
import type Ledger from '../../canisters/ledger/src/index.js';
import {
  LEDGER,
  LedgerResult,
  USERS,
  checkLedgerInvariants,
  onlyReply,
  runLedgerScenario,
  submit,
  type LedgerOp,
  type Via,
} from './scenario-helpers.js';

const opArb: fc.Arbitrary<LedgerOp> = fc.record({
  from: fc.constantFrom(...USERS),
  to: fc.constantFrom(...USERS),
  amount: fc.bigInt({ min: 0n, max: 60n }),
  via: fc.constantFrom<Via>('plain', 'accept', 'accept', 'accept', 'reject', 'trap', 'mint'),
});

describe('ledger under concurrent transfers', () => {
  it('conserves money, answers every call once and releases every lock, for any schedule', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 0x7fffffff }),
        fc.array(fc.bigInt({ min: 0n, max: 100n }), {
          minLength: USERS.length,
          maxLength: USERS.length,
        }),
        fc.array(opArb, { minLength: 1, maxLength: 14 }),
        async (seed, initial, ops) => {
          const snapshot = await runLedgerScenario(LEDGER, seededPolicy(seed), initial, ops);
          checkLedgerInvariants(snapshot, initial, ops);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('answers a second concurrent hook transfer of the same caller with busy, and releases the lock after a reject', async () => {
    const t = await createTestReplica();
    try {
      const { replica } = t;
      const minter = identity('minter');
      const [alice, bob] = [identity('alice'), identity('bob')];
      const ledger = await replica.deploy(LEDGER, { initArgs: [[minter]] });
      const accept = await replica.deploy('canisters/ledger-notify/src/index.ts', {
        initArgs: [[]],
      });
      const reject = await replica.deploy('canisters/ledger-notify/src/index.ts', {
        initArgs: [[{ Reject: null }]],
      });
      await replica.actor<Ledger>(ledger, { identity: minter }).mint(alice, 100n);
      const hook = [IDL.Principal, IDL.Nat, IDL.Principal];

      // Both are queued before either runs: the first takes alice's lock and awaits notify.
      const first = submit(
        replica,
        ledger.id,
        'transfer_via_hook',
        hook,
        [bob, 10n, accept.id],
        alice,
      );
      const second = submit(
        replica,
        ledger.id,
        'transfer_via_hook',
        hook,
        [bob, 10n, accept.id],
        alice,
      );
      const plain = submit(
        replica,
        ledger.id,
        'transfer',
        [IDL.Principal, IDL.Nat],
        [bob, 10n],
        alice,
      );
      await replica.idle();
      expect(onlyReply(first, LedgerResult, 'first')).toEqual({ Ok: 1n });
      expect(onlyReply(second, LedgerResult, 'second')).toEqual({ Err: 'busy' });
      expect(onlyReply(plain, LedgerResult, 'plain')).toEqual({ Err: 'busy' });

      // A rejected notification refunds the debit and releases the lock.
      const asAlice = replica.actor<Ledger>(ledger, { identity: alice });
      const rejected: LedgerResult = await asAlice.transfer_via_hook(bob, 30n, reject.id);
      expect(rejected).toHaveProperty('Err');
      expect('Err' in rejected && rejected.Err).toMatch(/^notify failed: .*told to reject/);
      expect(await asAlice.locked()).toEqual([]);
      expect(await asAlice.balance_of(alice)).toBe(90n);
      expect(await asAlice.transfer(bob, 90n)).toEqual({ Ok: 2n });
      expect(await asAlice.transfer(bob, 1n)).toEqual({ Err: 'insufficient funds' });
      expect(await asAlice.mint(alice, 1n)).toEqual({ Err: 'only the minter may mint' });
      expect(await asAlice.total_supply()).toBe(100n);
    } finally {
      await t.dispose();
    }
  });
});
