import { IDL, Principal, StableBTreeMap, msgCaller, query, trap, update } from 'azle';

/**
 * A small fungible token: balances in a stable map, a transfer counter on the heap. The escrow
 * beside it (`canisters/dispatch/escrow`) pays sellers by dispatching `transfer` as a
 * sub-message; nothing here knows about transactions: a transfer the escrow's transaction
 * reverts leaves no trace in either map or counter.
 */
export default class {
  /** Balance per principal (text). */
  balances = new StableBTreeMap<string, bigint>(0);
  /** Transfers made so far (heap state). */
  transfers = 0n;

  /** Creates `amount` new tokens for `to`; returns its balance. */
  @update([IDL.Principal, IDL.Nat], IDL.Nat)
  mint(to: Principal, amount: bigint): bigint {
    const balance = (this.balances.get(to.toText()) ?? 0n) + amount;
    this.balances.insert(to.toText(), balance);
    return balance;
  }

  /** Moves `amount` from the caller to `to`; traps when the caller has less. Returns the transfer's number. */
  @update([IDL.Principal, IDL.Nat], IDL.Nat)
  transfer(to: Principal, amount: bigint): bigint {
    const from = msgCaller().toText();
    const available = this.balances.get(from) ?? 0n;
    if (available < amount) trap(`insufficient funds: ${from} has ${available}, needs ${amount}`);
    this.balances.insert(from, available - amount);
    this.balances.insert(to.toText(), (this.balances.get(to.toText()) ?? 0n) + amount);
    this.transfers += 1n;
    return this.transfers;
  }

  @query([IDL.Principal], IDL.Nat)
  balance_of(who: Principal): bigint {
    return this.balances.get(who.toText()) ?? 0n;
  }

  @query([], IDL.Nat)
  transfer_count(): bigint {
    return this.transfers;
  }
}
