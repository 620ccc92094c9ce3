/**
 * The canister id ranges of a replica with several subnets. Subnet 0 (the root, NNS-like
 * subnet whose key is the root key) has dfx's local range, so a one-subnet replica allocates
 * the same ids as before; subnet k has the 2^20 ids right after subnet k-1's.
 */
import { compareBytes } from '@tincan/bytes';
import { canisterIdFromIndex } from '@tincan/runtime';

/** Where dfx's local subnet range starts: the counter of the first canister id, minus one. */
const FIRST_RANGE_START = 0x8000_0000_0010_0000n;
/** Canister ids per subnet. */
export const SUBNET_RANGE_SIZE = 1n << 20n;

/** A canister id range, both ends included, as principal bytes (what `canister_ranges` certifies). */
export type CanisterRange = readonly [low: Uint8Array, high: Uint8Array];

function idOfCounter(counter: bigint): Uint8Array {
  const bytes = new Uint8Array(10);
  new DataView(bytes.buffer).setBigUint64(0, counter);
  bytes[8] = 1;
  bytes[9] = 1;
  return bytes;
}

/** The id of the `index`-th canister (1-based) created on subnet `subnet`. */
export function canisterIdOnSubnet(subnet: number, index: number): Uint8Array {
  if (subnet === 0) return canisterIdFromIndex(index);
  return idOfCounter(FIRST_RANGE_START + BigInt(subnet) * SUBNET_RANGE_SIZE + BigInt(index));
}

/** The canister range of subnet `subnet`. */
export function subnetRange(subnet: number): CanisterRange {
  const start = FIRST_RANGE_START + BigInt(subnet) * SUBNET_RANGE_SIZE;
  return [idOfCounter(start), idOfCounter(start + SUBNET_RANGE_SIZE - 1n)];
}

/** Which of `count` subnets hosts the canister id `id`, if any. */
export function subnetOfId(id: Uint8Array, count: number): number | undefined {
  if (id.length !== 10 || id[8] !== 1 || id[9] !== 1) return undefined;
  const counter = new DataView(id.buffer, id.byteOffset, 8).getBigUint64(0);
  if (counter < FIRST_RANGE_START) return undefined;
  const subnet = Number((counter - FIRST_RANGE_START) / SUBNET_RANGE_SIZE);
  return subnet < count ? subnet : undefined;
}

/** Whether `id` lies in `range` (principal bytes compare as the IC compares them: bytewise). */
export function inRange(id: Uint8Array, [low, high]: CanisterRange): boolean {
  return compareBytes(low, id) <= 0 && compareBytes(id, high) <= 0;
}
