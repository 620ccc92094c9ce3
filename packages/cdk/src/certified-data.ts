/**
 * Certified data, as Azle exposes it: a canister certifies up to 32 bytes (usually the root
 * hash of its own hash tree) in updates, and answers queries with a certificate of them.
 */
import { systemApi } from '@tincan/abi';

/**
 * Sets the canister's certified data (at most 32 bytes; more traps). Allowed in `@init`,
 * `@preUpgrade`, `@postUpgrade`, `@update`, `@heartbeat`, timers and after an `await`; it
 * traps in a query. The value applies when the execution commits.
 */
export function certifiedDataSet(data: Uint8Array): void {
  systemApi().certifiedDataSet(data);
}

/**
 * The certificate (CBOR) that authenticates this canister's certified data, in a
 * non-replicated query called by a user; `undefined` anywhere else. Its tree holds `/time`
 * and `/canister/<id>/certified_data`, signed by the replica's root key.
 */
export function dataCertificate(): Uint8Array | undefined {
  return systemApi().dataCertificate();
}
