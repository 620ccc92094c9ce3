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
