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
export { methodNotFoundText, rejectMessageForCaller, trapText, uncaughtText } from './ic-texts.js';
