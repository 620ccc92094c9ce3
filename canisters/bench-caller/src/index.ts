import { IDL, Principal, call, init, query, update } from 'azle';

/**
 * Benchmark canister A of the A-awaits-B round trip (packages/bench/src/round-trips.ts).
 * `ping` awaits one call to `increment` on a counter B, then bumps its own field and returns
 * it. One round trip is three executions, each ending in a commit: A's request (which sends
 * the call), B's `increment`, and A's callback after the `await`.
 */
export default class {
  /** The counter B, set once at install. */
  callee: Principal = Principal.anonymous();
  /** Completed round trips. */
  pings = 0n;

  @init([IDL.Principal])
  init(callee: Principal): void {
    this.callee = callee;
  }

  @update([], IDL.Nat)
  async ping(): Promise<bigint> {
    await call<[], bigint>(this.callee, 'increment', {
      paramIdlTypes: [],
      returnIdlType: IDL.Nat,
      args: [],
    });
    this.pings += 1n;
    return this.pings;
  }

  @query([], IDL.Nat)
  get(): bigint {
    return this.pings;
  }
}
