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

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of bytes; the runtime's map key for principals. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b] as string;
  return out;
}

/** The anonymous principal's bytes. */
export const ANONYMOUS_PRINCIPAL = new Uint8Array([4]);
