/**
 * The tincan CDK: what canister code imports, as `azle` or `@tincan/cdk`. It has every export of
 * Azle 0.33's main entry, with Azle's signatures, so Azle canisters run on tincan unchanged and
 * canisters written for tincan build with Azle. tincan's own additions (`guard`,
 * `acceptMessage`, `msgDeadline`, `msgOrigin`, the `CallError` class) live in
 * `@tincan/cdk/extensions`.
 */
import './refused-globals.js';

export * from '@dfinity/candid';
export * from '@dfinity/principal';
export {
  heartbeat,
  init,
  inspectMessage,
  onLowWasmMemory,
  postUpgrade,
  preUpgrade,
  query,
  update,
} from './decorators.js';
export type { ManualOptions, MethodDecorator, QueryOptions, UpdateOptions } from './decorators.js';
export { call, chunk } from './call.js';
export type {
  CallError,
  CallErrorType,
  CallOptions,
  CallPerformFailed,
  CallRejected,
  CleanupCallback,
  InsufficientLiquidCycleBalance,
} from './call.js';
export {
  candidDecode,
  candidEncode,
  canisterCycleBalance,
  canisterSelf,
  canisterVersion,
  cyclesBurn,
  inReplicatedExecution,
  isController,
  msgArgData,
  msgCaller,
  msgCyclesAccept,
  msgCyclesAvailable,
  msgCyclesRefunded,
  msgMethodName,
  msgReject,
  msgRejectCode,
  msgRejectMsg,
  msgReply,
  performanceCounter,
  randSeed,
  time,
  trap,
} from './ic-api.js';
export { DidVisitor, getDefaultVisitorData, idlToString } from './did-file.js';
export type {
  CandidDef,
  CandidTypesDefs,
  TypeName,
  VisitorData,
  VisitorResult,
} from './did-file.js';
export { jsonParse, jsonStringify } from './json.js';
export { StableBTreeMap } from './stable-b-tree-map.js';
export { clearTimer, setTimer, setTimerInterval } from './timers.js';
export type { TimerCallback } from './timers.js';
export { StableJson, jsonReplacer, jsonReviver, stableJson } from './stable-json.js';
export type { Serializable } from './stable-json.js';
export { registerCanisterModule } from './canister-entry.js';
export { certifiedDataSet, dataCertificate } from './certified-data.js';
