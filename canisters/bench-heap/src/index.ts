import { IDL, query, update } from 'azle';

/**
 * Heap-size benchmark canister (packages/bench/src/heap-size.ts): a small record that every
 * update changes, next to a large Map or a large Uint8Array that it leaves alone (or changes one
 * byte of). Commit and rollback should cost what an execution changed, not what the heap holds.
 */
export default class {
  small = { count: 0, note: 'sixteen-bytes!!' };
  accounts = new Map<string, { owner: string; balance: number; memo: string }>();
  bytes = new Uint8Array(0);

  /** Adds `n` entries of about 100 bytes to the Map. */
  @update([IDL.Nat32], IDL.Nat32)
  fillMap(n: number): number {
    const start = this.accounts.size;
    for (let i = start; i < start + n; i++) {
      this.accounts.set(`account-${i.toString().padStart(8, '0')}`, {
        owner: `owner-${i}-${'x'.repeat(24)}`,
        balance: i,
        memo: 'm'.repeat(32),
      });
    }
    return this.accounts.size;
  }

  /** Replaces the byte field with `n` zero bytes. */
  @update([IDL.Nat32], IDL.Nat32)
  fillBytes(n: number): number {
    this.bytes = new Uint8Array(n);
    return this.bytes.length;
  }

  /** Changes 16 bytes of heap: the counter and its note. */
  @update([], IDL.Nat32)
  touch(): number {
    this.small.count += 1;
    this.small.note = `n-${(this.small.count % 1_000_000).toString().padStart(13, '0')}`;
    return this.small.count;
  }

  /** Changes one byte of the byte field (or, when it is empty, the counter). */
  @update([], IDL.Nat32)
  poke(): number {
    this.small.count += 1;
    if (this.bytes.length > 0)
      this.bytes[(this.small.count * 7919) % this.bytes.length] = this.small.count & 0xff;
    return this.small.count;
  }

  @query([], IDL.Nat32)
  read(): number {
    return this.small.count;
  }
}
