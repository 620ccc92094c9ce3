export { HANDLE_SYMBOL, METER_SYMBOL, SYSTEM_API_SYMBOL, systemApi } from './system-api.js';
export type {
  CallOptions,
  CanisterAdapter,
  CanisterDescription,
  Meter,
  MeterClaim,
  MethodDescription,
  MethodMode,
  SystemApi,
} from './system-api.js';
export { IcErrorCode, RejectCode, rejectCodeName } from './reject-code.js';
export type { Reject } from './reject-code.js';
export { describeValue, stackOf } from './describe-value.js';
export {
  COMPOSITE_QUERY_REPLICATED,
  QUERY_CALL_GRAPH_INSTRUCTIONS,
  QUERY_CALL_GRAPH_LOOP,
  QUERY_CALL_GRAPH_TOO_DEEP,
  contractViolationText,
  instructionLimitText,
  instructionLimitTrap,
  methodNotFoundText,
  noRouteText,
  rejectMessageForCaller,
  trapText,
  uncaughtText,
  type IcText,
} from './ic-texts.js';
export * as Rejects from './rejects.js';
export { CallRejectedError, type RejectSeen } from './call-rejected-error.js';
