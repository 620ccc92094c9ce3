import { IDL, StableBTreeMap, msgCaller, query, update } from 'azle';

/** A counter: heap state in a field, per-caller totals in a stable map. */
export default class {
  count = 0n;
  totals = new StableBTreeMap<string, bigint>(0);

  @update([IDL.Nat], IDL.Nat)
  add(n: bigint): bigint {
    this.count += n;
    const caller = msgCaller().toText();
    this.totals.insert(caller, (this.totals.get(caller) ?? 0n) + n);
    return this.count;
  }

  @update([], IDL.Nat)
  increment(): bigint {
    this.count += 1n;
    return this.count;
  }

  @query([], IDL.Nat)
  get(): bigint {
    return this.count;
  }

  @query([IDL.Principal], IDL.Nat)
  totalOf(who: { toText(): string }): bigint {
    return this.totals.get(who.toText()) ?? 0n;
  }
}
