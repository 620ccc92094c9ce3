/**
 * The kernel: code that runs inside every canister's realm, bundled separately (from
 * `entry.ts`, with cbor-x) and evaluated before the canister's bundle. It fixes the realm's
 * globals, implements the system API over the host bridge, hands out the meter's budget and
 * charges built-ins by size, and tracks the heap object by object (write barrier, undo log,
 * rows of changed objects at commit). The host reaches it only through its ops; this index
 * names the contract between the two and is not part of the kernel bundle.
 */
export type { HostBridge, KernelOps } from './host-bridge.js';
/** The stored heap's row format, for reading a canister's heap from the store without its realm. */
export {
  decodeMeta,
  decodeRow,
  isHole,
  refId,
  type DecodedRow,
  type HeapMeta,
} from './heap-rows.js';
export { Kind as HeapKind } from './heap-objects.js';
