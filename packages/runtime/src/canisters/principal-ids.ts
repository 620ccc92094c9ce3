/**
 * Canister ids as a local dfx replica allocates them: an 8-byte big-endian counter followed by
 * `0x01 0x01` (the opaque-id class), starting where dfx's local subnet starts, so the first
 * canister is `bkyz2-fmaaa-aaaaa-qaaaq-cai` here too.
 */
const LOCAL_RANGE_START = 0x8000_0000_0010_0000n;

/** Principal bytes of the `index`-th canister (1-based). */
export function canisterIdFromIndex(index: number): Uint8Array {
  const bytes = new Uint8Array(10);
  new DataView(bytes.buffer).setBigUint64(0, LOCAL_RANGE_START + BigInt(index));
  bytes[8] = 1;
  bytes[9] = 1;
  return bytes;
}

/** Lowercase hex of bytes, and back: the runtime's map keys for principals. */
export { fromHex, toHex } from '@tincan/bytes';

/** The anonymous principal's bytes. */
export const ANONYMOUS_PRINCIPAL = new Uint8Array([4]);

/** Canister ids the local subnet hosts: dfx's local range, 2^20 ids from its start. */
const LOCAL_RANGE_SIZE = 1n << 20n;

/**
 * Whether `id` is a canister id in the replica's subnet range. Calls to any other id (a user's
 * principal, a canister of another subnet) have no route, as ICP's message routing says.
 */
export function inLocalRange(id: Uint8Array): boolean {
  if (id.length !== 10 || id[8] !== 1 || id[9] !== 1) return false;
  const counter = new DataView(id.buffer, id.byteOffset, 8).getBigUint64(0);
  return counter >= LOCAL_RANGE_START && counter < LOCAL_RANGE_START + LOCAL_RANGE_SIZE;
}
