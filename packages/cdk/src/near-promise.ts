/**
 * NEAR's promise API on tincan's inter-canister calls (an extension: Azle has no such API).
 *
 * A `NearPromise` is a description, as on NEAR: a function call on another canister with
 * attached cycles (`NearPromise.new(target).functionCall(...)`), several of them joined with
 * `and(...)`, and a callback with `then(...)` that sees every result. `asReturn()` runs it.
 *
 * How it maps: each function call is an ordinary `call` made with raw Candid, so it is sent
 * when the current execution ends (what the method did so far commits, as on NEAR, where the
 * receipt is created after the function call's state change is saved). A callback is a second
 * real call, made by this canister to its own method once every result is in: its caller is
 * the canister itself (which is what `requirePrivate()` checks), and the results travel as its
 * *first* Candid argument (`PromiseResults`), so the callback may declare that argument or read
 * it with `promiseResult(i)`. Nothing is rolled back for the caller when a callee fails: the
 * callback sees `Failed` and must undo by hand. Cycles attached to a call the callee did not
 * accept come back to the caller (ICP's refund), like NEAR's refunded deposit.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { codecFor } from '@tincan/candid';
import { call, CallErrorClass, callFailure } from './call.js';
import { canisterSelf, msgArgData, msgCaller, trap } from './ic-api.js';

/** One result a callback sees: the reply bytes, or how the call failed. */
export type PromiseResult =
  { Successful: Uint8Array } | { Failed: { rejectCode: number; rejectMessage: string } };

/** The Candid type of one {@link PromiseResult}. */
export const PromiseResultIdl = IDL.Variant({
  Successful: IDL.Vec(IDL.Nat8),
  Failed: IDL.Record({ rejectCode: IDL.Nat32, rejectMessage: IDL.Text }),
});

/** The Candid type of a callback's first argument: every result, in the order joined. */
export const PromiseResults = IDL.Vec(PromiseResultIdl);

/** One function call: the method, its Candid-encoded user arguments, the cycles attached. */
interface FunctionCall {
  readonly kind: 'call';
  readonly target: Principal;
  readonly method: string;
  readonly paramIdlTypes: readonly IDL.Type[];
  readonly args: readonly unknown[];
  readonly cycles: bigint;
}

/** The tree a promise describes. */
type PromiseNode =
  | FunctionCall
  | { readonly kind: 'and'; readonly parts: readonly PromiseNode[] }
  | { readonly kind: 'then'; readonly first: PromiseNode; readonly callback: FunctionCall };

/** A batch without its function call yet (what `NearPromise.new` gives). */
interface EmptyBatch {
  readonly kind: 'batch';
  readonly target: Principal;
}

/**
 * A NEAR-style promise: build it with `new(...).functionCall(...)`, `and(...)` and `then(...)`,
 * run it with `asReturn()`. Immutable: every builder returns a new promise.
 */
export class NearPromise {
  private constructor(private readonly node: PromiseNode | EmptyBatch) {}

  /** A batch against `target` (a canister id); add its function call with `functionCall`. */
  static new(target: Principal | string): NearPromise {
    return new NearPromise({
      kind: 'batch',
      target: typeof target === 'string' ? Principal.fromText(target) : target,
    });
  }

  /**
   * The batch's function call: `method` with `args` encoded by `paramIdlTypes`, and `cycles`
   * attached. On tincan a batch holds one function call (NEAR batches may hold several actions).
   */
  functionCall(
    method: string,
    paramIdlTypes: readonly IDL.Type[],
    args: readonly unknown[],
    cycles = 0n,
  ): NearPromise {
    if (this.node.kind !== 'batch')
      throw new Error(
        `functionCall('${method}'): a tincan promise batch holds one function call; start another with NearPromise.new`,
      );
    if (cycles < 0n) throw new Error(`functionCall('${method}'): cycles must not be negative`);
    return new NearPromise({
      kind: 'call',
      target: this.node.target,
      method,
      paramIdlTypes,
      args,
      cycles,
    });
  }

  /** Joins this promise with `others`: a callback after the join sees every result, in this order. */
  and(...others: NearPromise[]): NearPromise {
    return new NearPromise({ kind: 'and', parts: [this, ...others].map((p) => p.ready('and')) });
  }

  /**
   * Runs `callback` (one function call, normally on this canister) once this promise's results
   * are in, whatever they are: it receives them as its first argument (`PromiseResults`).
   */
  then(callback: NearPromise): NearPromise {
    const cb = callback.ready('then');
    if (cb.kind !== 'call')
      throw new Error('then(callback): the callback must be a single function call');
    return new NearPromise({ kind: 'then', first: this.ready('then'), callback: cb });
  }

  /**
   * Runs the promise and resolves with the last function call's reply, decoded with
   * `returnIdlType` (the bytes without it); rejects with a `CallError` when that call failed.
   * Return it from an async update method, as NEAR's `as_return` makes the callback's result
   * the method's.
   */
  async asReturn<T = Uint8Array>(returnIdlType?: IDL.Type): Promise<T> {
    const node = this.ready('asReturn');
    if (node.kind === 'and')
      throw new Error('asReturn(): a join has no single result; add a callback with then(...)');
    const [result] = await run(node);
    if (result === undefined || 'Failed' in result) {
      const failed = result?.Failed ?? { rejectCode: 2, rejectMessage: 'no result' };
      throw callFailure({
        type: 'CallRejected',
        rejectCode: failed.rejectCode as 1 | 2 | 3 | 4 | 5 | 6,
        rejectMessage: failed.rejectMessage,
      });
    }
    return (
      returnIdlType === undefined
        ? result.Successful
        : codecFor([returnIdlType]).decode(result.Successful)[0]
    ) as T;
  }

  private ready(use: string): PromiseNode {
    if (this.node.kind === 'batch')
      throw new Error(
        `${use}: the promise batch on ${this.node.target.toText()} has no function call`,
      );
    return this.node;
  }
}

/** Runs `node`'s calls (joined ones concurrently, in one execution) and answers its results. */
async function run(
  node: PromiseNode,
  input: readonly PromiseResult[] | undefined = undefined,
): Promise<PromiseResult[]> {
  switch (node.kind) {
    case 'call':
      return [await perform(node, input)];
    case 'and':
      // Each part's first call is made before the first `await`, so all are sent together.
      return (await Promise.all(node.parts.map((p) => run(p)))).flat();
    case 'then':
      return [await perform(node.callback, await run(node.first))];
  }
}

/** Makes one call; a callback's `input` goes first in its arguments. Failures become `Failed`. */
async function perform(
  fc: FunctionCall,
  input: readonly PromiseResult[] | undefined,
): Promise<PromiseResult> {
  const types = input === undefined ? fc.paramIdlTypes : [PromiseResults, ...fc.paramIdlTypes];
  const values = input === undefined ? fc.args : [input, ...fc.args];
  try {
    const reply = await call<Uint8Array, Uint8Array>(fc.target, fc.method, {
      raw: true,
      args: codecFor([...types]).encode([...values]),
      cycles: fc.cycles,
    });
    return { Successful: reply };
  } catch (err) {
    // The cleanup after a trapped continuation is not a call result: let it through.
    if (!(err instanceof CallErrorClass) || err.type === 'CleanupCallback') throw err;
    // Calls that were never sent (full queue, too few cycles) fail as SYS_TRANSIENT, the code
    // ICP gives a call the system could not deliver.
    return {
      Failed: { rejectCode: err.rejectCode ?? 2, rejectMessage: err.rejectMessage ?? err.message },
    };
  }
}

/** In a callback: how many results it received. */
export function promiseResultsCount(): number {
  return callbackResults().length;
}

/** In a callback: result `index` (0-based, in the order the promises were joined). */
export function promiseResult(index: number): PromiseResult {
  const results = callbackResults();
  const result = results[index];
  if (result === undefined)
    trap(`promiseResult(${index}): the callback received ${results.length} result(s)`);
  return result;
}

/**
 * NEAR's private callback: traps unless the caller is this canister, so only the canister's own
 * promise can run the callback (anyone else gets CANISTER_ERROR and nothing changes).
 */
export function requirePrivate(): void {
  const caller = msgCaller();
  if (caller.compareTo(canisterSelf()) !== 'eq')
    trap(`this callback is private: caller ${caller.toText()} is not this canister`);
}

/** The callback's first argument, decoded (the Candid decoder ignores the arguments after it). */
function callbackResults(): PromiseResult[] {
  try {
    return codecFor([PromiseResults]).decode(msgArgData())[0] as PromiseResult[];
  } catch (err) {
    trap(
      `promiseResult: this method was not called as a promise callback (${err instanceof Error ? err.message : String(err)})`,
    );
  }
}
