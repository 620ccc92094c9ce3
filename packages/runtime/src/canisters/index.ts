/**
 * Canisters as the host holds them: the `CanisterActor` (registry record, sandbox, open call
 * contexts and callbacks, the execution in progress, where the system API calls of its code
 * land), the narrow `CanisterState` that bookkeeping modules take instead of the actor, canister
 * ids and their text, each canister's `Math.random` seed, source maps for its log's stack
 * traces, and hibernation (unloading the realms of idle canisters).
 */
export type { LogLine } from './canister-actor.js';
export { canisterIdFromIndex, toHex, ANONYMOUS_PRINCIPAL } from './principal-ids.js';
