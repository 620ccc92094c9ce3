/**
 * tincan's extensions to Azle's API, imported from `@tincan/cdk/extensions`. Azle has none of
 * these, so a canister that uses one runs on tincan but does not build with Azle.
 *
 * - `guard(release)`: a release that runs exactly once, also in the cleanup after a callback
 *   trapped (Azle's cleanup path cannot run the method's own `finally` on tincan).
 * - `acceptMessage()`: ICP's `ic0.accept_message`, for `@inspectMessage` methods that accept
 *   explicitly instead of returning `true`.
 * - `msgDeadline()`: ICP's `ic0.msg_deadline`, the deadline of a bounded-wait call.
 * - `msgOrigin()`: the user whose ingress message started the call chain.
 * - `CallError`: the class of the errors failed calls throw, for `instanceof` checks.
 * - NEAR's promises: `NearPromise` (`new(...).functionCall(...)`, `and`, `then`, `asReturn`),
 *   `promiseResult(i)` / `promiseResultsCount()` / `PromiseResults` in a callback, and
 *   `requirePrivate()` for callbacks only the canister itself may call.
 * - Dispatch/reply (CosmWasm's transactional calls): `dispatch(target, method, args,
 *   { replyOn, cycles })`, the `@reply` handler, `queryContract(...)` and `MAX_SUBMSG_DEPTH`.
 */
export { guard } from './guard.js';
export type { Guard } from './guard.js';
export { acceptMessage, msgDeadline, msgOrigin } from './ic-api.js';
export { CallErrorClass as CallError } from './call.js';
export {
  NearPromise,
  PromiseResultIdl,
  PromiseResults,
  promiseResult,
  promiseResultsCount,
  requirePrivate,
} from './near-promise.js';
export type { PromiseResult } from './near-promise.js';
export {
  MAX_SUBMSG_DEPTH,
  ReplyParams,
  dispatch,
  dispatchRole,
  queryContract,
  reply,
  setReplyData,
} from './dispatch.js';
export type { DispatchOptions, ReplyOn } from './dispatch.js';
