/**
 * Shared pieces of the scenario property tests: submitting many update calls at once while
 * counting every answer, and the ledger scenario with its invariants (used by the ledger and
 * the buggy-ledger tests).
 */
import { expect } from 'vitest';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { createTestReplica, identity } from '@tincan/testing';
import type { Outcome, Replica, SchedulerPolicy } from '@tincan/replica';
import type Ledger from '../../canisters/ledger/src/index.js';
import type LedgerNotify from '../../canisters/ledger-notify/src/index.js';

/** An update call submitted without waiting; `answers` collects every answer it gets. */
export interface Tracked {
  readonly answers: Outcome[];
}

/**
 * Queues an update call. It goes through `runtime.submit` rather than `replica.update` so that
 * a second answer to the same call would be seen (a promise would swallow it). Call
 * `replica.idle()` afterwards to run everything.
 */
export function submit(
  replica: Replica,
  canister: Principal,
  method: string,
  types: IDL.Type[],
  args: unknown[],
  caller: Principal,
): Tracked {
  const tracked: Tracked = { answers: [] };
  const arg = new Uint8Array(IDL.encode(types, args));
  replica.runtime.submit(
    { canisterId: canister.toUint8Array(), method, arg, caller: caller.toUint8Array() },
    (o) => tracked.answers.push(o),
  );
  return tracked;
}

/** The one answer of `tracked`, which must be a reply, decoded as `type`. */
export function onlyReply<T>(tracked: Tracked, type: IDL.Type, what: string): T {
  expect(tracked.answers, `${what}: answers`).toHaveLength(1);
  const [outcome] = tracked.answers;
  if (outcome === undefined || !('reply' in outcome))
    throw new Error(`${what}: expected a reply, got ${JSON.stringify(outcome)}`);
  return IDL.decode([type], outcome.reply)[0] as T;
}

// ---------------------------------------------------------------------------------------------
// Ledger scenario

export const LEDGER = 'canisters/ledger/src/index.ts';
export const LEDGER_BUGGY = 'canisters/ledger-buggy/src/index.ts';
const NOTIFY = 'canisters/ledger-notify/src/index.ts';

export const USERS = ['alice', 'bob', 'carol'] as const;
export type User = (typeof USERS)[number];
/** How an op moves tokens: a plain transfer, a hook transfer whose notify accepts / rejects / traps, or a mint attempt by a non-minter. */
export type Via = 'plain' | HookVia | 'mint';
type HookVia = 'accept' | 'reject' | 'trap';
export interface LedgerOp {
  readonly from: User;
  readonly to: User;
  readonly amount: bigint;
  readonly via: Via;
}

export const LedgerResult = IDL.Variant({ Ok: IDL.Nat, Err: IDL.Text });
export type LedgerResult = { Ok: bigint } | { Err: string };

/** Everything observed at the end of a ledger scenario. */
export interface LedgerSnapshot {
  readonly answers: number[];
  readonly results: LedgerResult[];
  readonly balances: bigint[];
  readonly supply: bigint;
  readonly locked: string[];
  readonly openContexts: number;
  /** Notifications accepted by the accept / reject / trap notify canisters. */
  readonly notified: bigint[];
  readonly notifiedAmount: bigint;
}

/**
 * Deploys `ledgerEntry` plus three notify canisters (accept, reject, trap), mints `initial[i]`
 * to USERS[i], then submits every op at once and lets the scheduler interleave them.
 */
export async function runLedgerScenario(
  ledgerEntry: string,
  scheduler: SchedulerPolicy,
  initial: readonly bigint[],
  ops: readonly LedgerOp[],
): Promise<LedgerSnapshot> {
  const t = await createTestReplica({ scheduler });
  try {
    const { replica } = t;
    const minter = identity('minter');
    const ledger = await replica.deploy(ledgerEntry, { initArgs: [[minter]] });
    // Only the notify canisters some op uses are deployed (deploying one costs ~0.1 s).
    const notifiers = new Map<HookVia, Principal>();
    for (const [via, mode] of [
      ['accept', { Accept: null }],
      ['reject', { Reject: null }],
      ['trap', { Trap: null }],
    ] as const) {
      if (ops.some((op) => op.via === via))
        notifiers.set(via, (await replica.deploy(NOTIFY, { initArgs: [[mode]] })).id);
    }
    // The buggy ledger has the same query and mint methods as the ledger.
    const asMinter = replica.actor<Ledger>(ledger, { identity: minter });
    for (const [i, user] of USERS.entries()) {
      expect(await asMinter.mint(identity(user), initial[i] ?? 0n)).toHaveProperty('Ok');
    }

    const tracked = ops.map((op) => {
      const from = identity(op.from);
      const to = identity(op.to);
      switch (op.via) {
        case 'plain':
          return submit(
            replica,
            ledger.id,
            'transfer',
            [IDL.Principal, IDL.Nat],
            [to, op.amount],
            from,
          );
        case 'mint':
          return submit(
            replica,
            ledger.id,
            'mint',
            [IDL.Principal, IDL.Nat],
            [to, op.amount],
            from,
          );
        default:
          return submit(
            replica,
            ledger.id,
            'transfer_via_hook',
            [IDL.Principal, IDL.Nat, IDL.Principal],
            [to, op.amount, notifiers.get(op.via)],
            from,
          );
      }
    });
    await replica.idle();

    const actor = replica.actor<Ledger>(ledger);
    const balances: bigint[] = [];
    for (const user of USERS) balances.push(await actor.balance_of(identity(user)));
    const notified: bigint[] = [];
    for (const via of ['accept', 'reject', 'trap'] as const) {
      const n = notifiers.get(via);
      notified.push(n === undefined ? 0n : await replica.actor<LedgerNotify>(n).notifications());
    }
    const accept = notifiers.get('accept');
    return {
      answers: tracked.map((c) => c.answers.length),
      results: tracked.map((c, i) => onlyReply<LedgerResult>(c, LedgerResult, `op ${i}`)),
      balances,
      supply: await actor.total_supply(),
      locked: (await actor.locked()).map((p) => p.toText()),
      openContexts: replica.runtime.openContexts(ledger.id.toUint8Array()),
      notified,
      notifiedAmount:
        accept === undefined ? 0n : await replica.actor<LedgerNotify>(accept).notified_amount(),
    };
  } finally {
    await t.dispose();
  }
}

/** The ledger invariants; throws (a failed expect) when one is broken. */
export function checkLedgerInvariants(
  s: LedgerSnapshot,
  initial: readonly bigint[],
  ops: readonly LedgerOp[],
): void {
  // Every call answered exactly once, with a reply (the ledger reports errors as Err).
  expect(
    s.answers.every((n) => n === 1),
    `answers per call: ${s.answers.join(',')}`,
  ).toBe(true);
  expect(s.openContexts, 'open call contexts on the ledger').toBe(0);

  // Ops that cannot succeed did not.
  ops.forEach((op, i) => {
    if (op.via === 'reject' || op.via === 'trap' || op.via === 'mint')
      expect(s.results[i], `op ${i} (${op.via})`).toHaveProperty('Err');
  });

  // Money is neither created nor destroyed, and no balance is negative.
  const minted = initial.reduce((a, b) => a + b, 0n);
  expect(s.supply, 'total supply').toBe(minted);
  expect(
    s.balances.every((b) => b >= 0n),
    `negative balance: ${s.balances.join(',')}`,
  ).toBe(true);
  expect(
    s.balances.reduce((a, b) => a + b, 0n),
    `sum of balances ${s.balances.join(',')} vs total supply ${minted}`,
  ).toBe(minted);

  // Each balance is its initial amount plus exactly the successful ops in and out of it.
  const expected = [...initial];
  ops.forEach((op, i) => {
    if (!('Ok' in (s.results[i] ?? { Err: '' }))) return;
    expected[USERS.indexOf(op.from)]! -= op.amount;
    expected[USERS.indexOf(op.to)]! += op.amount;
  });
  expect(s.balances, 'balances vs the successful transfers').toEqual(expected);

  // No lock is left held, and notifications match the successful hook transfers.
  expect(s.locked, 'locks held at the end').toEqual([]);
  const okAccepted = ops.filter(
    (op, i) => op.via === 'accept' && 'Ok' in (s.results[i] ?? { Err: '' }),
  );
  expect(s.notified, 'notifications accepted by the accept / reject / trap notifiers').toEqual([
    BigInt(okAccepted.length),
    0n,
    0n,
  ]);
  expect(s.notifiedAmount, 'notified amount').toBe(okAccepted.reduce((a, op) => a + op.amount, 0n));
}
