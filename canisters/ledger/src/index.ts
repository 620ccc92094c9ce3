// tincan extension: guard (@tincan/cdk/extensions), to release the lock and refund the sender in the cleanup after a trapped callback; Azle's CleanupCallback cannot rerun the method's finally on tincan.
import { IDL, Principal, StableBTreeMap, call, init, msgCaller, query, trap, update } from 'azle';
import { CallError, guard } from '@tincan/cdk/extensions';

/**
 * A small token ledger. Balances live in a StableBTreeMap; the minter, the supply counter and
 * the per-caller locks live on the heap.
 *
 * `transfer_via_hook` shows the safe way to make a call in the middle of a state change:
 *   - do the checks and the *debit* before the `await`, in one execution, so concurrent calls
 *     see the reduced balance (no stale read can be written back later);
 *   - take a per-caller lock before the `await`, so the same caller cannot start a second
 *     transfer while one is in flight (it gets Err('busy'));
 *   - after the `await`, credit the recipient on success or refund the sender on failure, and
 *     release the lock in `finally`;
 *   - register the lock's release and the refund as guards: if the code after the `await`
 *     traps (crediting a frozen account does), that callback rolls back, `finally` included,
 *     and the call's cleanup releases the lock and refunds the sender instead.
 * Compare canisters/ledger-buggy, which reads before the `await` and writes after it.
 */

const Result = IDL.Variant({ Ok: IDL.Nat, Err: IDL.Text });
type Result = { Ok: bigint } | { Err: string };

/** Text form of a principal: the key of balances and locks. */
type Account = string;

export default class {
  minter: Account = '';
  totalSupply = 0n;
  /** Number of completed transfers and mints; the Ok value of each is its index. */
  nextTx = 0n;
  /** Callers with a transfer in flight across an `await`. Heap state: it needs no upgrade. */
  locks = new Set<Account>();
  /** Accounts that may not receive tokens: crediting one traps. */
  frozen = new Set<Account>();
  balances = new StableBTreeMap<Account, bigint>(0);

  /** The minter: the principal given, else whoever installs the ledger. */
  @init([IDL.Opt(IDL.Principal)])
  init(minter: [] | [Principal]): void {
    this.minter = (minter[0] ?? msgCaller()).toText();
  }

  /** Creates `amount` new tokens for `to`. Only the minter may mint. */
  @update([IDL.Principal, IDL.Nat], Result)
  mint(to: Principal, amount: bigint): Result {
    if (msgCaller().toText() !== this.minter) return { Err: 'only the minter may mint' };
    this.#credit(to.toText(), amount);
    this.totalSupply += amount;
    return { Ok: this.nextTx++ };
  }

  /** Freezes `account` (minter only): crediting it traps from now on. */
  @update([IDL.Principal], Result)
  freeze(account: Principal): Result {
    if (msgCaller().toText() !== this.minter) return { Err: 'only the minter may freeze' };
    this.frozen.add(account.toText());
    return { Ok: BigInt(this.frozen.size) };
  }

  /** Moves `amount` from the caller to `to`, in one execution (atomic, no await). */
  @update([IDL.Principal, IDL.Nat], Result)
  transfer(to: Principal, amount: bigint): Result {
    const from = msgCaller().toText();
    // A transfer of the same caller is in flight: its debit already happened, so this one
    // would be safe, but one operation at a time per account keeps the rules simple.
    if (this.locks.has(from)) return { Err: 'busy' };
    if (this.#balance(from) < amount) return { Err: 'insufficient funds' };
    this.#debit(from, amount);
    this.#credit(to.toText(), amount);
    return { Ok: this.nextTx++ };
  }

  /**
   * Like `transfer`, but first notifies the canister `notify` (`notify(from, to, amount)`) and
   * completes the transfer only if the notification is accepted.
   */
  @update([IDL.Principal, IDL.Nat, IDL.Principal], Result)
  async transfer_via_hook(to: Principal, amount: bigint, notify: Principal): Promise<Result> {
    const caller = msgCaller();
    const from = caller.toText();
    if (this.locks.has(from)) return { Err: 'busy' };
    if (this.#balance(from) < amount) return { Err: 'insufficient funds' };

    // Take the lock and debit now. Both are COMMITTED at the `await` below: the tokens are
    // "in flight", held by nobody, until the callback credits or refunds them.
    this.locks.add(from);
    this.#debit(from, amount);
    // Each runs exactly once: here, or in the call's cleanup if the code after the `await`
    // traps. A trap rolls back that whole callback, `finally` included; the cleanup then
    // runs against the state from before the callback, and its changes commit.
    const lock = guard(() => this.locks.delete(from));
    const inFlight = guard(() => this.#credit(from, amount));
    try {
      await call<[Principal, Principal, bigint], bigint>(notify, 'notify', {
        paramIdlTypes: [IDL.Principal, IDL.Principal, IDL.Nat],
        returnIdlType: IDL.Nat,
        args: [caller, to, amount],
      });
      // Callback, success: a new execution. The debit is already durable; credit `to`.
      this.#credit(to.toText(), amount); // traps if `to` is frozen
      inFlight.dismiss();
      return { Ok: this.nextTx++ };
    } catch (err) {
      // Callback, failure (reject or trap of `notify`): refund the committed debit.
      inFlight.release();
      return {
        Err: `notify failed: ${err instanceof CallError ? err.rejectMessage : String(err)}`,
      };
    } finally {
      lock.release();
    }
  }

  /** Balance of `owner`. */
  @query([IDL.Principal], IDL.Nat)
  balance_of(owner: Principal): bigint {
    return this.#balance(owner.toText());
  }

  /** Tokens minted so far (transfers never change it). */
  @query([], IDL.Nat)
  total_supply(): bigint {
    return this.totalSupply;
  }

  /** Callers whose lock is held: a transfer_via_hook of theirs is in flight. */
  @query([], IDL.Vec(IDL.Principal))
  locked(): Principal[] {
    return [...this.locks].map((p) => Principal.fromText(p));
  }

  #balance(account: Account): bigint {
    return this.balances.get(account) ?? 0n;
  }

  #credit(account: Account, amount: bigint): void {
    if (this.frozen.has(account)) trap(`account ${account} is frozen`);
    this.balances.insert(account, this.#balance(account) + amount);
  }

  #debit(account: Account, amount: bigint): void {
    const balance = this.#balance(account);
    if (balance < amount)
      throw new Error(`debit of ${amount} from ${account} exceeds its balance ${balance}`);
    this.balances.insert(account, balance - amount);
  }
}
