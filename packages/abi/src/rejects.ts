/**
 * Every reject tincan answers with, built by name: the reject code, the IC error code and the
 * text, as ICP's replica writes them (ICP's own texts come from `ic-texts.ts`). The runtime,
 * the management canister and the HTTP interface build their rejects here, so one reject has
 * one wording wherever it is produced, and a test pins each one.
 */
import {
  COMPOSITE_QUERY_REPLICATED,
  QUERY_CALL_GRAPH_INSTRUCTIONS,
  QUERY_CALL_GRAPH_LOOP,
  QUERY_CALL_GRAPH_TOO_DEEP,
  methodNotFoundText,
  noRouteText,
  trapText,
  type IcText,
} from './ic-texts.js';
import { IcErrorCode, RejectCode, type Reject } from './reject-code.js';

/** A reject from its parts; `errorCode` is left out when there is none (routing rejects). */
export function makeReject(
  code: RejectCode,
  errorCode: IcErrorCode | undefined,
  message: string,
): Reject {
  return errorCode === undefined ? { code, message } : { code, errorCode, message };
}

/** CANISTER_ERROR with one of ICP's error texts (a trap, a contract violation, a limit). */
export function canisterError(text: IcText): Reject {
  return makeReject(RejectCode.CanisterError, text.errorCode, text.message);
}

/** IC0503: the canister trapped (`ic0.trap` or an uncaught error) with `message`. */
export function trapped(canister: string, message: string): Reject {
  return canisterError(trapText(canister, message));
}

/** IC0502: the canister's code failed to load (`message` says how). */
export function loadFailed(message: string): Reject {
  return makeReject(RejectCode.CanisterError, IcErrorCode.CanisterTrapped, message);
}

/** IC0536: the canister exports no such method (of that kind). */
export function methodNotFound(canister: string, kind: 'update' | 'query', method: string): Reject {
  return canisterError(methodNotFoundText(canister, kind, method));
}

/** IC0537: the canister has no code. */
export function canisterEmpty(canister: string): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterEmpty,
    `Canister ${canister} has no code installed`,
  );
}

/** IC0537: the canister's code was uninstalled while a call context was open. */
export function canisterUninstalled(canister: string): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterEmpty,
    `Canister ${canister} has been uninstalled`,
  );
}

/** IC0509: the callee is stopping. */
export function canisterStopping(canister: string): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterStopping,
    `Canister ${canister} is stopping`,
  );
}

/** IC0508: the callee is stopped. */
export function canisterStopped(canister: string): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterStopped,
    `Canister ${canister} is stopped and therefore does not have a CallContextManager`,
  );
}

/** IC0506: the method finished without replying. */
export function didNotReply(canister: string): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterDidNotReply,
    `Canister ${canister} did not reply to the call`,
  );
}

/** IC0506: a call context left open by a restart, whose wait on a call cannot be resumed. */
export function didNotReplyAfterRestart(canister: string, method: string): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterDidNotReply,
    `Canister ${canister} did not reply to the call: the replica restarted while '${method}' was waiting on a call it made, and that wait cannot be resumed (it was not persisted). Changes it committed before the wait stand.`,
  );
}

/** SYS_TRANSIENT without an error code: an ingress call queued but not executed before a restart. */
export function notExecutedBeforeRestart(): Reject {
  return makeReject(
    RejectCode.SysTransient,
    undefined,
    'The replica restarted before this call was executed: it was not executed, and can be sent again as a new request.',
  );
}

/** IC0207: the callee's balance is below its freezing threshold. */
export function outOfCycles(canister: string, balance: bigint, threshold: bigint): Reject {
  return makeReject(
    RejectCode.SysTransient,
    IcErrorCode.CanisterOutOfCycles,
    `Canister ${canister} is out of cycles: its balance ${balance} is below its freezing threshold ${threshold}`,
  );
}

/** IC0301: no canister has this id. */
export function canisterNotFound(canister: string): Reject {
  return makeReject(
    RejectCode.DestinationInvalid,
    IcErrorCode.CanisterNotFound,
    `Canister ${canister} not found`,
  );
}

/** Reject code 3 without an error code: no subnet hosts this id. */
export function noRoute(canister: string): Reject {
  return makeReject(RejectCode.DestinationInvalid, undefined, noRouteText(canister));
}

/** IC0301: a request to the management canister on a runtime that has none. */
export function noManagementCanister(): Reject {
  return makeReject(
    RejectCode.DestinationInvalid,
    IcErrorCode.CanisterNotFound,
    'Canister aaaaa-aa not found: this runtime has no management canister',
  );
}

/** IC0525: the call chain is at the depth limit. */
export function callTooDeep(method: string, depth: number, limit: number): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CallGraphTooDeep,
    `Call to '${method}' refused: the call chain is ${depth} calls deep, the limit is ${limit}`,
  );
}

/** IC0201: the sender's queue to the callee is full. */
export function queueFull(canister: string, capacity: number): Reject {
  return makeReject(
    RejectCode.SysTransient,
    IcErrorCode.CanisterQueueFull,
    `Canister ${canister} input queue from this sender is full (${capacity} messages)`,
  );
}

/** IC0602: a bounded-wait request was dropped (load shedding). */
export function requestShed(): Reject {
  return makeReject(
    RejectCode.SysUnknown,
    IcErrorCode.ResponseDropped,
    'Request dropped: the system shed a bounded-wait request under load',
  );
}

/** IC0601: a bounded-wait call reached its deadline. */
export function deadlineExpired(): Reject {
  return makeReject(
    RejectCode.SysUnknown,
    IcErrorCode.DeadlineExpired,
    'Call deadline has expired',
  );
}

/** IC0527: a composite query called in replicated mode. */
export function compositeQueryReplicated(): Reject {
  return canisterError(COMPOSITE_QUERY_REPLICATED);
}

/** IC0517: a composite query's call reaches a canister already waiting in its call graph. */
export function queryCallGraphLoop(): Reject {
  return canisterError(QUERY_CALL_GRAPH_LOOP);
}

/** IC0525: a composite query's calls nest too deep. */
export function queryCallGraphTooDeep(): Reject {
  return canisterError(QUERY_CALL_GRAPH_TOO_DEEP);
}

/** IC0526: a composite query's call graph spent its instruction budget. */
export function queryCallGraphInstructions(): Reject {
  return canisterError(QUERY_CALL_GRAPH_INSTRUCTIONS);
}

/** IC0506: a canister in a composite query's call graph answered nothing. */
export function didNotProduceResponse(canister: string): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterDidNotReply,
    `Canister ${canister} did not produce a response`,
  );
}

/** IC0406: `canister_inspect_message` did not accept the message. */
export function messageNotAccepted(canister: string): Reject {
  return makeReject(
    RejectCode.CanisterReject,
    IcErrorCode.CanisterRejectedMessage,
    `Canister ${canister} rejected the message`,
  );
}

/** IC0504: the host's management canister threw while handling `method`. */
export function managementCanisterFailed(method: string, message: string): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterContractViolation,
    `management canister failed on ${method}: ${message}`,
  );
}

/** IC0504: a management method failed in a way no more specific reject describes. */
export function managementMethodFailed(method: string, message: string): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterContractViolation,
    `Management canister method ${method} failed: ${message}`,
  );
}

/** IC0504: a management method that only answers queries was called as an update. */
export function managementQueryOnly(method: string): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterContractViolation,
    `${method} API is only accessible in non-replicated mode: call it as a query`,
  );
}

/** IC0504: a management method called as a query that only answers updates. */
export function managementNotAQuery(method: string): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterContractViolation,
    `Management canister method ${method} cannot be called as a query`,
  );
}

/** IC0406: a management method only canisters may call, called by a user. */
export function managementCanistersOnly(method: string): Reject {
  return makeReject(
    RejectCode.CanisterReject,
    IcErrorCode.CanisterRejectedMessage,
    `Only canisters can call ic00 method ${method}`,
  );
}

/** IC0405: `provisional_create_canister_with_cycles`'s `specified_id` is in another subnet's range. */
export function canisterNotHostedBySubnet(canister: string, subnet: string): Reject {
  return makeReject(
    RejectCode.CanisterReject,
    IcErrorCode.CanisterNotHostedBySubnet,
    `Specified CanisterId ${canister} is not hosted by subnet ${subnet}.`,
  );
}

/** IC0408: a management method's argument is not what the method takes. */
export function invalidManagementPayload(message: string): Reject {
  return makeReject(RejectCode.CanisterReject, IcErrorCode.InvalidManagementPayload, message);
}

/** IC0408: a management method's argument is not valid Candid of its type. */
export function managementDecodeFailed(method: string, detail: string): Reject {
  return invalidManagementPayload(`Error decoding candid for method ${method}: ${detail}`);
}

/** IC0512: the caller is not a controller of the canister. */
export function notController(
  canister: string,
  controllers: readonly string[],
  sender: string,
): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterInvalidController,
    `Only the controllers of the canister ${canister} can control it.\nCanister's controllers: ${controllers.join(' ')}\nSender's ID: ${sender}`,
  );
}

/** IC0505: `wasm_module` is a Wasm module, which tincan does not run. */
export function wasmNotSupported(): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterInvalidWasm,
    'Wasm module not supported: tincan runs JavaScript bundles; pass the bundle built by tincan (UTF-8 text) as wasm_module',
  );
}

/** IC0505: `wasm_module` is not a UTF-8 JavaScript bundle. */
export function invalidModule(): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterInvalidWasm,
    'Invalid module: wasm_module must be a UTF-8 JavaScript bundle built by tincan',
  );
}

/** IC0305: the canister has no snapshot with this id (`snapshotHex`). */
export function snapshotNotFound(snapshotHex: string, canister: string): Reject {
  return makeReject(
    RejectCode.DestinationInvalid,
    IcErrorCode.CanisterSnapshotNotFound,
    `Could not find the snapshot ID ${snapshotHex} for canister ${canister}`,
  );
}

/** IC0510: the operation (`what`: "can be deleted", …) needs a stopped canister. */
export function canisterNotStopped(canister: string, what: string): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterNotStopped,
    `Canister ${canister} must be stopped before it ${what}.`,
  );
}

/** IC0514: `install` mode on a canister that has code. */
export function canisterNotEmpty(canister: string): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterNonEmpty,
    `Canister ${canister} cannot be installed because the canister is not empty. Try installing with mode='reinstall' instead.`,
  );
}

/** IC0511: a `stop_canister` whose canister was started again before it stopped. */
export function stopCancelled(canister: string): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterStoppingCancelled,
    `Canister ${canister} was started before it stopped: the stop was cancelled`,
  );
}

/** IC0406: the canister rejected the call itself (`msgReject`) with `message`. */
export function canisterReject(message: string): Reject {
  return makeReject(RejectCode.CanisterReject, IcErrorCode.CanisterRejectedMessage, message);
}

/** CANISTER_ERROR without an error code: the host failed to run an ingress `what` ("call", "query"). */
export function replicaFailed(what: string, message: string): Reject {
  return makeReject(
    RejectCode.CanisterError,
    undefined,
    `the replica failed to execute the ${what}: ${message}`,
  );
}

/** IC0504: a request to another subnet carries more than a message between subnets may have. */
export function xnetPayloadTooLarge(
  caller: string,
  callee: string,
  bytes: number,
  limit: number,
): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterContractViolation,
    `Canister ${caller} violated contract: the request to ${callee} has ${bytes} bytes, more than the ${limit} bytes a message between subnets may have`,
  );
}

/** IC0504: `queryContract` to a canister that is running an execution (a realm runs one at a time). */
export function queryContractBusy(canister: string): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterContractViolation,
    `queryContract: canister ${canister} is executing and cannot be queried from inside its own execution`,
  );
}

/** IC0502: `queryContract` to a canister whose code is not loaded. */
export function canisterNotLoaded(canister: string): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterTrapped,
    `Canister ${canister} is not loaded`,
  );
}

/**
 * A trap inside a synchronous query or a transaction's execution: ICP's text for it when it
 * has one (`text`), else `Canister … trapped: <trap>`.
 */
export function nestedTrap(canister: string, trap: string, text?: IcText): Reject {
  return text !== undefined
    ? canisterError(text)
    : makeReject(
        RejectCode.CanisterError,
        IcErrorCode.CanisterCalledTrap,
        `Canister ${canister} trapped: ${trap}`,
      );
}

/** IC0506: a synchronous query finished without replying. */
export function queryContractNoReply(canister: string): Reject {
  return makeReject(
    RejectCode.CanisterError,
    IcErrorCode.CanisterDidNotReply,
    `Canister ${canister} did not reply (${IcErrorCode.CanisterDidNotReply})`,
  );
}

/** What a management call failed on inside the runtime, for `runtimeFailed`. */
export type RuntimeFailureKind = 'not-found' | 'empty' | 'trapped' | 'other';

/**
 * A management call that failed inside the runtime, with the runtime's own text, under the
 * reject ICP gives that cause: no such canister (IC0301), no code (IC0537), code that trapped
 * or failed to load (IC0503), anything else (IC0504).
 */
export function runtimeFailed(kind: RuntimeFailureKind, message: string): Reject {
  switch (kind) {
    case 'not-found':
      return makeReject(RejectCode.DestinationInvalid, IcErrorCode.CanisterNotFound, message);
    case 'empty':
      return makeReject(RejectCode.CanisterError, IcErrorCode.CanisterEmpty, message);
    case 'trapped':
      return makeReject(RejectCode.CanisterError, IcErrorCode.CanisterCalledTrap, message);
    case 'other':
      return makeReject(RejectCode.CanisterError, IcErrorCode.CanisterContractViolation, message);
  }
}
