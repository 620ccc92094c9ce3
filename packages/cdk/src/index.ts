/**
 * The tincan CDK: what canister code imports, as `@tincan/cdk` or as `azle`. Its API follows
 * Azle's stable API, so Azle canisters run on tincan unchanged.
 */
export { IDL } from '@dfinity/candid';
export { Principal } from '@dfinity/principal';
export { heartbeat, init, inspectMessage, postUpgrade, preUpgrade, query, update } from './decorators.js';
export type { ManualOptions, MethodDecorator, QueryOptions, UpdateOptions } from './decorators.js';
export { call, CallError } from './call.js';
export type { CallErrorType, CallOptions } from './call.js';
export { guard } from './guard.js';
export type { Guard } from './guard.js';
export {
  acceptMessage,
  canisterCycleBalance,
  canisterSelf,
  cyclesBurn,
  msgArgData,
  msgCaller,
  msgCyclesAccept,
  msgCyclesAvailable,
  msgCyclesRefunded,
  msgDeadline,
  msgMethodName,
  msgOrigin,
  msgReject,
  msgRejectCode,
  msgRejectMsg,
  msgReply,
  performanceCounter,
  time,
  trap,
} from './ic-api.js';
export { StableBTreeMap } from './stable-b-tree-map.js';
export { clearTimer, setTimer, setTimerInterval } from './timers.js';
export type { TimerCallback } from './timers.js';
export { StableJson, jsonReplacer, jsonReviver, stableJson } from './stable-json.js';
export type { Serializable } from './stable-json.js';
export { registerCanisterModule } from './canister-entry.js';
export { certifiedDataSet, dataCertificate } from './certified-data.js';
