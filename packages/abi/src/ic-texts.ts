/**
 * ICP's reject and trap texts, each with the IC error code it belongs to, written as the
 * replica writes them, since tests (and users' code) compare them character for character.
 */
import { IcErrorCode } from './reject-code.js';
import { describeValue } from './describe-value.js';

const DOCS = 'https://docs.internetcomputer.org/references/execution-errors';

/** An IC error code with the text ICP writes for it. */
export interface IcText {
  readonly errorCode: IcErrorCode;
  readonly message: string;
}

/** IC0503: the canister trapped (`ic0.trap`, an uncaught error, a failed Candid decode, …). */
export function trapText(canister: string, message: string): IcText {
  return {
    errorCode: IcErrorCode.CanisterCalledTrap,
    message: `Error from Canister ${canister}: Canister called \`ic0.trap\` with message: '${message}'.\nConsider gracefully handling failures from this canister or altering the canister to handle exceptions. See documentation: ${DOCS}#trapped-explicitly`,
  };
}

/** IC0536: the canister exports no such method (of that kind), the management canister included. */
export function methodNotFoundText(
  canister: string,
  kind: 'update' | 'query',
  method: string,
): IcText {
  return {
    errorCode: IcErrorCode.CanisterMethodNotFound,
    message: `Error from Canister ${canister}: Canister has no ${kind} method '${method}'..\nCheck that the method being called is exported by the target canister. See documentation: ${DOCS}#method-not-found`,
  };
}

/** ICP's help line for a contract violation: a system call made where it is not allowed. */
const TOOLCHAIN_HELP =
  'If you are running this canister in a test environment (e.g., dfx), make sure the test environment is up to date. Otherwise, this is likely an error with the compiler/CDK toolchain being used to build the canister. Please report the error to IC devs on the forum: https://forum.dfinity.org and include which language/CDK was used to create the canister.';

/**
 * IC0504: the canister made a system call its execution mode does not allow, e.g.
 * `"ic0_call_new" cannot be executed in non replicated query mode` for a call from a query.
 */
export function contractViolationText(canister: string, violation: string): IcText {
  return {
    errorCode: IcErrorCode.CanisterContractViolation,
    message: `Error from Canister ${canister}: Canister violated contract: ${violation}.\n${TOOLCHAIN_HELP}`,
  };
}

/** The trap of an execution that spent its instruction limit, as ICP's hypervisor words it. */
export function instructionLimitTrap(limit: number): string {
  return `Canister exceeded the limit of ${limit} instructions for single message execution.`;
}

/** IC0522: an execution spent its instruction limit (`limit` in instructions). */
export function instructionLimitText(canister: string, limit: number): IcText {
  return {
    errorCode: IcErrorCode.CanisterInstructionLimitExceeded,
    message: `Error from Canister ${canister}: ${instructionLimitTrap(limit)}.\nTry optimizing this method to consume fewer instructions or split the work across multiple messages. See documentation: ${DOCS}#instruction-limit-exceeded`,
  };
}

/** IC0527: a composite query called as an update, or by a canister's update call. */
export const COMPOSITE_QUERY_REPLICATED: IcText = {
  errorCode: IcErrorCode.CompositeQueryCalledInReplicatedMode,
  message: 'Composite query cannot be called in replicated mode',
};

/** IC0525: a composite query's calls nest deeper than ICP allows (6 calls). */
export const QUERY_CALL_GRAPH_TOO_DEEP: IcText = {
  errorCode: IcErrorCode.CallGraphTooDeep,
  message: 'Composite query calls exceeded the maximum call depth.',
};

/** IC0526: the executions of a composite query's call graph spent its instruction budget. */
export const QUERY_CALL_GRAPH_INSTRUCTIONS: IcText = {
  errorCode: IcErrorCode.QueryCallGraphTotalInstructionLimitExceeded,
  message: 'Composite query calls exceeded the instruction limit.',
};

/** IC0517: a composite query's call reaches a canister already waiting in the same call graph. */
export const QUERY_CALL_GRAPH_LOOP: IcText = {
  errorCode: IcErrorCode.QueryCallGraphLoopDetected,
  message: 'Loop detected.  MVP inter-canister queries do not support loops.',
};

/** Reject code 3, no error code: a call to an id no subnet hosts, as ICP's message routing words it. */
export function noRouteText(canister: string): string {
  return `No route to canister ${canister}`;
}

/**
 * The reject message a calling canister reads (`msgRejectMsg`): a CANISTER_ERROR (the callee
 * trapped, had no such method, did not reply, …) carries its IC error code in front
 * (`IC0503: Error from Canister …`), as ICP delivers it between canisters. A canister's own
 * `msgReject` text (CANISTER_REJECT) and the system's transient, routing and deadline rejects
 * arrive as written.
 */
export function rejectMessageForCaller(
  code: number,
  message: string,
  errorCode: string | undefined,
): string {
  if (code !== 5 || errorCode === undefined || message.startsWith(`${errorCode}: `)) return message;
  return `${errorCode}: ${message}`;
}

/** Trap message of a thrown value that is not an Error, as Azle words it (`Uncaught: <value>`). */
export function uncaughtText(value: unknown): string {
  // Described without running the value's getters or conversions (describe-value.ts), so a
  // hostile `message` or `toString` cannot hide the trap.
  return hasMessage(value)
    ? `Uncaught ${describeValue(value)}`
    : `Uncaught: ${describeValue(value)}`;
}

function hasMessage(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return 'message' in value;
  } catch {
    return false;
  }
}
