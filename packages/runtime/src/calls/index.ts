/**
 * Calls: messages between canisters and what ICP guarantees about them. Call contexts and the
 * messages in input queues; the call router that sends a committed execution's calls (refusing
 * them at the depth limit, into a full queue, or by load shedding) and delivers each answer
 * exactly once with its refund; deadlines of bounded-wait calls; call limits; the reject for a
 * missing canister; composite queries (a whole query call graph, nothing committed); and the
 * seam to the management canister (`SystemCanister`), which the host implements.
 */
export type { Outcome, IngressId, ReplyTarget, RequestMessage } from './messages.js';
export type { Callback, CallContext } from './call-context.js';
export { DEFAULT_CALL_LIMITS } from './limits.js';
export type { CallLimits } from './limits.js';
export type { LoadShedding } from './shedding.js';
export { MANAGEMENT_CANISTER_ID } from './system-canister.js';
export type { SystemCanister, SystemQuery, SystemRequest } from './system-canister.js';
