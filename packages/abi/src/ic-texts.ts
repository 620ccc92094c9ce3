/**
 * ICP's reject and trap texts, each with the IC error code it belongs to, written as the
 * replica writes them, since tests (and users' code) compare them character for character.
 */
import { IcErrorCode } from './reject-code.js';
import { describeValue } from './describe-value.js';

const DOCS = 'https://docs.internetcomputer.org/references/execution-errors';

/** IC0503: the canister trapped (`ic0.trap`, an uncaught error, a failed Candid decode, …). */
export function trapText(canister: string, message: string): { readonly errorCode: IcErrorCode; readonly message: string } {
  return {
    errorCode: IcErrorCode.CanisterCalledTrap,
    message: `Error from Canister ${canister}: Canister called \`ic0.trap\` with message: '${message}'.\nConsider gracefully handling failures from this canister or altering the canister to handle exceptions. See documentation: ${DOCS}#trapped-explicitly`,
  };
}

/** IC0536: the canister exports no such method (of that kind), the management canister included. */
export function methodNotFoundText(canister: string, kind: 'update' | 'query', method: string): { readonly errorCode: IcErrorCode; readonly message: string } {
  return {
    errorCode: IcErrorCode.CanisterMethodNotFound,
    message: `Error from Canister ${canister}: Canister has no ${kind} method '${method}'..\nCheck that the method being called is exported by the target canister. See documentation: ${DOCS}#method-not-found`,
  };
}

/**
 * The reject message a calling canister reads (`msgRejectMsg`): a CANISTER_ERROR (the callee
 * trapped, had no such method, did not reply, …) carries its IC error code in front
 * (`IC0503: Error from Canister …`), as ICP delivers it between canisters. A canister's own
 * `msgReject` text (CANISTER_REJECT) and the system's transient, routing and deadline rejects
 * arrive as written.
 */
export function rejectMessageForCaller(code: number, message: string, errorCode: string | undefined): string {
  if (code !== 5 || errorCode === undefined || message.startsWith(`${errorCode}: `)) return message;
  return `${errorCode}: ${message}`;
}

/** Trap message of a thrown value that is not an Error, as Azle words it (`Uncaught: <value>`). */
export function uncaughtText(value: unknown): string {
  // Described without running the value's getters or conversions (describe-value.ts), so a
  // hostile `message` or `toString` cannot hide the trap.
  return hasMessage(value) ? `Uncaught ${describeValue(value)}` : `Uncaught: ${describeValue(value)}`;
}

function hasMessage(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return 'message' in value;
  } catch {
    return false;
  }
}
