export { DEFAULT_CANISTER_CYCLES, DEFAULT_WALL_CLOCK_LIMITS, Replica } from './replica.js';
export type {
  CanisterHandle,
  DeployOptions,
  ReplicaOptions,
  UpgradeOptions,
  WallClockLimitsMs,
} from './replica.js';
export { createActor, principalOf } from './actor.js';
export type { ActorOf, ActorTransport, IdentityLike } from './actor.js';
export { CallRejectedError } from '@tincan/abi';
export { ReplicaError } from './replica-error.js';
export type { ReplicaErrorCode } from './replica-error.js';
export {
  DEFAULT_CALL_LIMITS,
  ICP_13_NODE_FEES,
  ManualClock,
  ZERO_FEES,
  describeTimer,
  fifoPolicy,
  seededPolicy,
} from '@tincan/runtime';
export type {
  CallLimits,
  CanisterSettings,
  Clock,
  CycleFees,
  DroppedTimer,
  ExecutionInfo,
  IngressRecord,
  InspectResult,
  LoadShedding,
  LogLine,
  Outcome,
  RecoveryReport,
  SchedulerPolicy,
} from '@tincan/runtime';
export { envFor, readProjectConfig } from './project-config.js';
export type { ProjectCanister } from './project-config.js';
export { ManagementCanister } from './management/management-canister.js';
export { managementIdlFactory, MANAGEMENT_METHODS } from './management/ic-idl.js';
export type { ManagementMethodName } from './management/ic-idl.js';
export { managementTarget, specifiedCanisterId } from './management/effective-id.js';
export type { ManagementTarget } from './management/effective-id.js';
export type { Change, ChangeDetails, ChangeOrigin } from './management/canister-history.js';
export { buildCanisterModule } from './canister-module.js';
export type { CanisterModule } from './canister-module.js';
export type { CanisterLogRecord } from './management/fetch-logs.js';
export { LiveClock } from './live-clock.js';
export { MAX_PAGE, StateView } from './state-view/state-view.js';
export type {
  HeapEntry,
  HeapPage,
  MemoryFigure,
  ShownValue,
  StableMapInfo,
  StablePage,
} from './state-view/state-view.js';
export { DEFAULT_TRACE_LIMIT, Traces } from './traces/traces.js';
export type {
  TraceAnswer,
  TraceOptions,
  TraceQuery,
  TraceRecord,
  TraceRecordCause,
  TreeSummary,
} from './traces/traces.js';
export { MAX_SUBNETS, Subnets } from './subnets/subnets.js';
export type { SubnetHosting } from './replica-options.js';
export type { SubnetInfo, SubnetsOptions } from './subnets/subnets.js';
export { MAX_XNET_PAYLOAD_BYTES, XNet } from './subnets/xnet.js';
export type { RefusedSlice, XNetSubnet } from './subnets/xnet.js';
export { canisterIdOnSubnet, subnetOfId, subnetRange } from './subnets/topology.js';
export type { CanisterRange } from './subnets/topology.js';
export { signDelegation, verifyDelegation } from './subnets/delegation.js';
export { loadBls } from './subnets/fast-bls.js';
export type { Bls } from './subnets/fast-bls.js';
