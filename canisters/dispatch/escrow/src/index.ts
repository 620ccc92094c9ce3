// tincan extension: dispatch (@tincan/cdk/extensions), dispatch/reply with ReplyOn (dispatch, @reply, queryContract): an escrow that pays through token transfer sub-messages and refunds in its reply.
import {
  IDL,
  Principal,
  StableBTreeMap,
  canisterSelf,
  init,
  msgCaller,
  query,
  trap,
  update,
} from 'azle';
import { dispatch, queryContract, reply } from '@tincan/cdk/extensions';
import type { ReplyOn } from '@tincan/cdk/extensions';

/**
 * An escrow on dispatch/reply, CosmWasm's transactional call mode. A buyer opens a deal; the
 * escrow holds the tokens (on the token canister, under its own principal). `settle` marks the
 * deal paid and dispatches `token.transfer(seller, amount)` as a sub-message:
 *
 * - `replyOn: 'error'` (the usual choice): if the transfer fails, its frame is discarded (the
 *   token is untouched) and `on_transfer` refunds the buyer: the deal becomes `refunded` and the
 *   buyer's credit grows, all in the same transaction.
 * - `'never'` / `'success'`: a failed transfer reverts the whole transaction, `settle` included:
 *   the deal stays `open`, and the caller gets the reject.
 * - `'always'` / `'success'`: `on_transfer` also counts confirmations of successful transfers.
 */

const Deal = IDL.Record({
  id: IDL.Nat,
  buyer: IDL.Principal,
  seller: IDL.Principal,
  amount: IDL.Nat,
  status: IDL.Text,
});
interface Deal {
  id: bigint;
  buyer: Principal;
  seller: Principal;
  amount: bigint;
  status: 'open' | 'paid' | 'refunded';
}

export default class {
  token: Principal = Principal.anonymous();
  deals = new Map<bigint, Deal>();
  nextDeal = 1n;
  /** Deal of each transfer in flight, by message id. */
  inFlight = new Map<bigint, bigint>();
  /** Successful transfers the reply handler saw. */
  confirmations = 0n;
  /** Refunds owed to buyers (stable state). */
  credits = new StableBTreeMap<string, bigint>(0);

  /** The token canister: the argument, or the `token` this canister depends on in dfx.json. */
  @init([IDL.Opt(IDL.Principal)])
  init(token: [Principal] | []): void {
    this.token = token[0] ?? Principal.fromText(tokenFromEnv());
  }

  /** Opens a deal of `amount` tokens from the caller to `seller`; returns its id. */
  @update([IDL.Principal, IDL.Nat], IDL.Nat)
  open(seller: Principal, amount: bigint): bigint {
    const id = this.nextDeal++;
    this.deals.set(id, { id, buyer: msgCaller(), seller, amount, status: 'open' });
    return id;
  }

  /**
   * Pays deal `id`'s seller: checks the escrow's balance on the token with a synchronous query,
   * marks the deal paid and dispatches the transfer with `replyOn`.
   */
  @update([IDL.Nat, IDL.Text], IDL.Text)
  settle(id: bigint, replyOn: string): string {
    const deal = this.deals.get(id);
    if (deal === undefined || deal.status !== 'open') trap(`deal ${id} is not open`);
    const held = queryContract<bigint>(this.token, 'balance_of', {
      paramIdlTypes: [IDL.Principal],
      args: [canisterSelf()],
      returnIdlType: IDL.Nat,
    });
    deal.status = 'paid';
    const msgId = dispatch(this.token, 'transfer', [deal.seller, deal.amount], {
      replyOn: replyOn as ReplyOn,
      paramIdlTypes: [IDL.Principal, IDL.Nat],
    });
    this.inFlight.set(msgId, id);
    return `deal ${id}: transfer of ${deal.amount} dispatched (escrow holds ${held})`;
  }

  /** The transfer's outcome: counts a success; refunds the buyer of a failed one. */
  @reply
  on_transfer(msgId: bigint, success: boolean, _data: Uint8Array): void {
    const id = this.inFlight.get(msgId);
    if (id === undefined) trap(`no transfer in flight with message id ${msgId}`);
    this.inFlight.delete(msgId);
    const deal = this.deals.get(id);
    if (deal === undefined) trap(`no deal ${id}`);
    if (success) {
      this.confirmations += 1n;
      return;
    }
    deal.status = 'refunded';
    const buyer = deal.buyer.toText();
    this.credits.insert(buyer, (this.credits.get(buyer) ?? 0n) + deal.amount);
  }

  @query([IDL.Nat], IDL.Opt(Deal))
  deal(id: bigint): [Deal] | [] {
    const deal = this.deals.get(id);
    return deal === undefined ? [] : [deal];
  }

  @query([IDL.Principal], IDL.Nat)
  credit_of(who: Principal): bigint {
    return this.credits.get(who.toText()) ?? 0n;
  }

  @query([], IDL.Record({ confirmations: IDL.Nat, in_flight: IDL.Nat }))
  stats(): { confirmations: bigint; in_flight: bigint } {
    return { confirmations: this.confirmations, in_flight: BigInt(this.inFlight.size) };
  }
}

/** `CANISTER_ID_TOKEN`, inlined at bundling when dfx.json lists `token` as a dependency. */
function tokenFromEnv(): string {
  try {
    return process.env.CANISTER_ID_TOKEN ?? '';
  } catch {
    throw new Error(
      `escrow needs its token: deploy with "dependencies": ["token"] in dfx.json, or pass '(opt principal "<token id>")'`,
    );
  }
}
