import { IDL, Principal, StableBTreeMap, call, init, msgCaller, query, update } from 'azle';

/**
 * DELIBERATELY BUGGY. The same ledger as canisters/ledger, but `transfer_via_hook` reads the
 * sender's balance, awaits the notification, and only then writes `balance - amount` computed
 * from the read it made *before* the await — and it takes no lock.
 *
 * The `await` is a commit point: while this transfer waits, other messages run on the ledger.
 * A second transfer from the same sender reads the same old balance, so both pass the check
 * and both write `old - amount`: the sender pays once, the recipients are credited twice
 * (money created, or an overspent account). A payment *to* the sender that lands during the
 * wait is overwritten by the stale write (money lost). A property test finds such a schedule
 * (test/scenarios/ledger-buggy.test.ts). Do not copy this code.
 */

const Result = IDL.Variant({ Ok: IDL.Nat, Err: IDL.Text });
type Result = { Ok: bigint } | { Err: string };

export default class {
  minter = '';
  totalSupply = 0n;
  nextTx = 0n;
  balances = new StableBTreeMap<string, bigint>(0);

  /** The minter: the principal given, else whoever installs the ledger. */
  @init([IDL.Opt(IDL.Principal)])
  init(minter: [] | [Principal]): void {
    this.minter = (minter[0] ?? msgCaller()).toText();
  }

  @update([IDL.Principal, IDL.Nat], Result)
  mint(to: Principal, amount: bigint): Result {
    if (msgCaller().toText() !== this.minter) return { Err: 'only the minter may mint' };
    this.balances.insert(to.toText(), (this.balances.get(to.toText()) ?? 0n) + amount);
    this.totalSupply += amount;
    return { Ok: this.nextTx++ };
  }

  @update([IDL.Principal, IDL.Nat], Result)
  transfer(to: Principal, amount: bigint): Result {
    const from = msgCaller().toText();
    const balance = this.balances.get(from) ?? 0n;
    if (balance < amount) return { Err: 'insufficient funds' };
    this.balances.insert(from, balance - amount);
    this.balances.insert(to.toText(), (this.balances.get(to.toText()) ?? 0n) + amount);
    return { Ok: this.nextTx++ };
  }

  @update([IDL.Principal, IDL.Nat, IDL.Principal], Result)
  async transfer_via_hook(to: Principal, amount: bigint, notify: Principal): Promise<Result> {
    const caller = msgCaller();
    const from = caller.toText();
    const balance = this.balances.get(from) ?? 0n; // read...
    if (balance < amount) return { Err: 'insufficient funds' };
    try {
      await call(notify, 'notify', {
        paramIdlTypes: [IDL.Principal, IDL.Principal, IDL.Nat],
        returnIdlType: IDL.Nat,
        args: [caller, to, amount],
      }); // ...commit point: other transfers run here...
    } catch (err) {
      return { Err: `notify failed: ${rejectMessageOf(err)}` };
    }
    this.balances.insert(from, balance - amount); // BUG: ...write from the stale read.
    this.balances.insert(to.toText(), (this.balances.get(to.toText()) ?? 0n) + amount);
    return { Ok: this.nextTx++ };
  }

  @query([IDL.Principal], IDL.Nat)
  balance_of(owner: Principal): bigint {
    return this.balances.get(owner.toText()) ?? 0n;
  }

  @query([], IDL.Nat)
  total_supply(): bigint {
    return this.totalSupply;
  }

  /** No locks in this variant; present so tests can treat both ledgers alike. */
  @query([], IDL.Vec(IDL.Principal))
  locked(): Principal[] {
    return [];
  }
}

/** The reject message of a failed call (Azle's call errors carry one), or the error's text. */
function rejectMessageOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'rejectMessage' in err
    ? String(err.rejectMessage)
    : String(err);
}
