/**
 * The escrow and token of `canisters/dispatch`: `settle` dispatches `token.transfer` with each
 * `replyOn`, against a transfer that succeeds and one that fails (the escrow holds too few
 * tokens). Every case ends with the exact state of both canisters: the deal, the buyer's credit,
 * the escrow's confirmations and transfers in flight, every token balance and the token's
 * transfer counter.
 */
import { describe, expect, it } from 'vitest';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { useTestReplicas, identity, type TestReplica } from '@tincan/testing';
import type Escrow from '../../canisters/dispatch/escrow/src/index.js';
import type Token from '../../canisters/dispatch/token/src/index.js';
import { rejectOf } from './helpers.js';

const TOKEN = 'canisters/dispatch/token/src/index.ts';
const ESCROW = 'canisters/dispatch/escrow/src/index.ts';
const buyer = identity('buyer');
const seller = identity('seller');

const replicas = useTestReplicas();
let t: TestReplica | undefined;

interface World {
  readonly token: Principal;
  readonly escrow: Principal;
}

/** A token, an escrow holding 100 tokens, and one open deal of `amount` from buyer to seller. */
async function world(amount: bigint): Promise<World & { deal: bigint }> {
  t = await replicas.create();
  const token = (await t.replica.deploy(TOKEN)).id;
  const escrow = (await t.replica.deploy(ESCROW, { initArgs: [[token]] })).id;
  await t.replica.actor<Token>(token).mint(escrow, 100n);
  const deal = await t.replica.actor<Escrow>(escrow, { identity: buyer }).open(seller, amount);
  return { token, escrow, deal };
}

/** Everything both canisters hold. */
async function stateOf(w: World, deal: bigint): Promise<unknown> {
  if (t === undefined) throw new Error('no replica');
  const token = t.replica.actor<Token>(w.token);
  const escrow = t.replica.actor<Escrow>(w.escrow);
  const [found] = await escrow.deal(deal);
  return {
    deal: found === undefined ? undefined : { status: found.status, amount: found.amount },
    buyerCredit: await escrow.credit_of(buyer),
    stats: await escrow.stats(),
    balances: {
      escrow: await token.balance_of(w.escrow),
      seller: await token.balance_of(seller),
      buyer: await token.balance_of(buyer),
    },
    transfers: await token.transfer_count(),
  };
}

async function settle(w: World, deal: bigint, replyOn: string): Promise<string> {
  if (t === undefined) throw new Error('no replica');
  return await t.replica.actor<Escrow>(w.escrow, { identity: buyer }).settle(deal, replyOn);
}

const PAID = {
  deal: { status: 'paid', amount: 30n },
  buyerCredit: 0n,
  balances: { escrow: 70n, seller: 30n, buyer: 0n },
  transfers: 1n,
};

describe('escrow: a transfer that succeeds', () => {
  it.each([
    ['never', { confirmations: 0n, in_flight: 1n }],
    ['success', { confirmations: 1n, in_flight: 0n }],
    ['error', { confirmations: 0n, in_flight: 1n }],
    ['always', { confirmations: 1n, in_flight: 0n }],
  ])(
    'replyOn %s: the deal is paid and the tokens moved; the reply ran only when asked for',
    async (replyOn, stats) => {
      const w = await world(30n);
      expect(await settle(w, w.deal, replyOn)).toBe(
        `deal ${w.deal}: transfer of 30 dispatched (escrow holds 100)`,
      );
      expect(await stateOf(w, w.deal)).toEqual({ ...PAID, stats });
    },
  );
});

describe('escrow: a transfer that fails (the escrow holds 100, the deal is for 500)', () => {
  const untouchedToken = { balances: { escrow: 100n, seller: 0n, buyer: 0n }, transfers: 0n };

  it.each(['never', 'success'])(
    'replyOn %s: the whole transaction reverts, settle included; the caller gets the reject',
    async (replyOn) => {
      const w = await world(500n);
      const err = await rejectOf(settle(w, w.deal, replyOn));
      expect(err.rejectCode).toBe(5);
      expect(err.message).toMatch(
        /transaction reverted: sub-message \d+ \(transfer\) failed: .*insufficient funds: .* has 100, needs 500/,
      );
      // The deal is still open: settle's own "paid" went with the transaction.
      expect(await stateOf(w, w.deal)).toEqual({
        deal: { status: 'open', amount: 500n },
        buyerCredit: 0n,
        stats: { confirmations: 0n, in_flight: 0n },
        ...untouchedToken,
      });
    },
  );

  it.each(['error', 'always'])(
    "replyOn %s: the transfer's frame is discarded and the reply handler refunds the buyer",
    async (replyOn) => {
      const w = await world(500n);
      expect(await settle(w, w.deal, replyOn)).toMatch(/dispatched/);
      expect(await stateOf(w, w.deal)).toEqual({
        deal: { status: 'refunded', amount: 500n },
        buyerCredit: 500n,
        stats: { confirmations: 0n, in_flight: 0n },
        ...untouchedToken,
      });
    },
  );

  it('a failed transaction can be retried once the escrow holds enough', async () => {
    const w = await world(500n);
    await rejectOf(settle(w, w.deal, 'never'));
    await t?.replica.actor<Token>(w.token).mint(w.escrow, 400n);
    await settle(w, w.deal, 'never');
    expect(await stateOf(w, w.deal)).toEqual({
      deal: { status: 'paid', amount: 500n },
      buyerCredit: 0n,
      stats: { confirmations: 0n, in_flight: 1n },
      balances: { escrow: 0n, seller: 500n, buyer: 0n },
      transfers: 1n,
    });
  });
});

describe('escrow: the reply handler', () => {
  it('cannot be called from outside a transaction', async () => {
    const w = await world(30n);
    if (t === undefined) throw new Error('no replica');
    const arg = new Uint8Array(
      IDL.encode([IDL.Nat64, IDL.Bool, IDL.Vec(IDL.Nat8)], [1n, false, new Uint8Array()]),
    );
    const outcome = await t.replica.update(w.escrow, 'on_transfer', arg, buyer);
    expect('reject' in outcome && outcome.reject.code).toBe(5);
    expect('reject' in outcome && outcome.reject.message).toMatch(
      /on_transfer is a @reply handler: only the runtime calls it/,
    );
    expect(await stateOf(w, w.deal)).toEqual({
      deal: { status: 'open', amount: 30n },
      buyerCredit: 0n,
      stats: { confirmations: 0n, in_flight: 0n },
      balances: { escrow: 100n, seller: 0n, buyer: 0n },
      transfers: 0n,
    });
  });
});
