/**
 * The Candid arguments of a reply handler, `(nat64 msgId, bool success, blob data)`, encoded
 * by hand: the runtime has no Candid library, and the shape never changes.
 */
import { concatBytes, encodeLeb128 } from '@tincan/bytes';

/** `DIDL`, one type (vec nat8), three arguments: nat64, bool, type 0. */
const HEADER = new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0x01, 0x6d, 0x7b, 0x03, 0x78, 0x7e, 0x00]);

/** Encodes `(msgId, success, data)` as a reply handler receives it. */
export function encodeReplyArgs(msgId: bigint, success: boolean, data: Uint8Array): Uint8Array {
  const id = new Uint8Array(8);
  new DataView(id.buffer).setBigUint64(0, BigInt.asUintN(64, msgId), true);
  return concatBytes(
    HEADER,
    id,
    new Uint8Array([success ? 1 : 0]),
    encodeLeb128(data.length),
    data,
  );
}
