/** ICP reject codes, the only failure vocabulary callers of a canister see. */
export const RejectCode = {
  SysFatal: 1,
  SysTransient: 2,
  DestinationInvalid: 3,
  CanisterReject: 4,
  CanisterError: 5,
  SysUnknown: 6,
} as const;

/** One of the six ICP reject codes. */
export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];

/** IC error codes that accompany rejects (`IC0503` for a trap, …). */
export const IcErrorCode = {
  /** The pair's queue holds as many messages as it may (500 by default). */
  CanisterQueueFull: 'IC0201',
  /** The callee's balance is below its freezing threshold. */
  CanisterOutOfCycles: 'IC0207',
  CanisterNotFound: 'IC0301',
  CanisterSnapshotNotFound: 'IC0305',
  /** A `specified_id` outside the canister ranges of the subnet that got the create call. */
  CanisterNotHostedBySubnet: 'IC0405',
  CanisterRejectedMessage: 'IC0406',
  UnknownManagementMessage: 'IC0407',
  InvalidManagementPayload: 'IC0408',
  CanisterTrapped: 'IC0502',
  CanisterCalledTrap: 'IC0503',
  CanisterContractViolation: 'IC0504',
  CanisterInvalidWasm: 'IC0505',
  CanisterDidNotReply: 'IC0506',
  CanisterStopped: 'IC0508',
  CanisterStopping: 'IC0509',
  CanisterNotStopped: 'IC0510',
  CanisterStoppingCancelled: 'IC0511',
  CanisterInvalidController: 'IC0512',
  CanisterNonEmpty: 'IC0514',
  /** A composite query's call graph calls back into a canister it is already waiting in. */
  QueryCallGraphLoopDetected: 'IC0517',
  /** An execution spent its instruction limit. */
  CanisterInstructionLimitExceeded: 'IC0522',
  CanisterMethodNotFound: 'IC0536',
  CanisterEmpty: 'IC0537',
  /** tincan's call depth limit (256 by default); ICP's code for a too deep (query) call graph. */
  CallGraphTooDeep: 'IC0525',
  /** A composite query's call graph spent its instruction budget. */
  QueryCallGraphTotalInstructionLimitExceeded: 'IC0526',
  /** A composite query was called in replicated mode (as an update, or by an update). */
  CompositeQueryCalledInReplicatedMode: 'IC0527',
  /** A bounded-wait call reached its deadline before a response arrived. */
  DeadlineExpired: 'IC0601',
  /** A bounded-wait request or response was dropped (load shedding). */
  ResponseDropped: 'IC0602',
} as const;

/** One of the IC error codes tincan produces. */
export type IcErrorCode = (typeof IcErrorCode)[keyof typeof IcErrorCode];

/** A reject as callers see it. */
export interface Reject {
  readonly code: RejectCode;
  readonly message: string;
  readonly errorCode?: IcErrorCode;
}

/** Name of a reject code, as agents print it. */
export function rejectCodeName(code: number): string {
  switch (code) {
    case 1:
      return 'SYS_FATAL';
    case 2:
      return 'SYS_TRANSIENT';
    case 3:
      return 'DESTINATION_INVALID';
    case 4:
      return 'CANISTER_REJECT';
    case 5:
      return 'CANISTER_ERROR';
    case 6:
      return 'SYS_UNKNOWN';
    default:
      return `UNKNOWN_${code}`;
  }
}
