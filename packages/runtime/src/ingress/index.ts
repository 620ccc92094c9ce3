/**
 * Ingress: messages from users. Update calls are queued through the call router and queries run
 * at once on committed state; `canister_inspect_message` decides whether an update is accepted;
 * the ingress ledger records every call by request id, with its answer, in the batch's COMMIT,
 * so a call is never executed twice before its expiry, across restarts too.
 */
export type { InspectResult } from './inspect-message.js';
