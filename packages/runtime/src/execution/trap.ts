/**
 * Why an execution trapped, as a value: its kind, the message the logs and traces show, and
 * what ICP's text for it needs (the violated contract, the instruction limit). Every trap is
 * built here by name, and the reject a caller gets is chosen by kind, never by reading the
 * message: a canister's own trap (`ic0.trap`, an uncaught error) and the runtime's traps
 * (limits, API misuse, an unpersistable heap) answer with ICP's IC0503 text around the message;
 * a contract violation (IC0504) and the instruction limit (IC0522) with their own.
 */
import {
  Rejects,
  contractViolationText,
  instructionLimitText,
  instructionLimitTrap,
  trapText,
  type IcText,
  type Reject,
} from '@tincan/abi';
import type { KernelTrapKind } from '../kernel/host-bridge.js';
import { codeOf, messageOf } from '../sandbox/describe-thrown.js';

/** A trap's kind; see the constructors below for what each one covers. */
export type TrapKind =
  | 'explicit'
  | 'uncaught'
  | 'instruction-limit'
  | 'memory-limit'
  | 'contract-violation'
  | 'api-misuse'
  | 'heap-unpersistable'
  | 'transaction-reverted'
  | 'timeout'
  | 'host-failure';

/** A trap: set once on an execution (an execution never un-traps). */
export type Trap =
  | {
      readonly kind: Exclude<TrapKind, 'instruction-limit' | 'contract-violation'>;
      readonly message: string;
    }
  | { readonly kind: 'instruction-limit'; readonly message: string; readonly limit: number }
  | { readonly kind: 'contract-violation'; readonly message: string; readonly violation: string };

/** The canister called `ic0.trap` (the CDK's `trap`, or an error the CDK caught at an entry point). */
export function explicit(message: string): Trap {
  return { kind: 'explicit', message };
}

/** A value thrown or rejected in canister code that nothing caught (`message` already described). */
export function uncaught(message: string): Trap {
  return { kind: 'uncaught', message };
}

/** A trap the kernel reported from inside the sandbox. */
export function fromKernel(kind: KernelTrapKind, message: string): Trap {
  return { kind, message };
}

/** The execution spent its instruction budget of `limit` instructions (ICP's IC0522). */
export function instructionLimit(limit: number): Trap {
  return { kind: 'instruction-limit', message: instructionLimitTrap(limit), limit };
}

/** The execution's heap would break the canister's memory settings (`message` says how). */
export function memoryLimit(message: string): Trap {
  return { kind: 'memory-limit', message };
}

/** A system call made where ICP does not allow it (ICP's IC0504), e.g. a call from a query. */
export function contractViolation(violation: string): Trap {
  return {
    kind: 'contract-violation',
    message: `Canister violated contract: ${violation}`,
    violation,
  };
}

/** A runtime API used where or how it cannot be (a reply over the limit, a timer in a query, …). */
export function apiMisuse(message: string): Trap {
  return { kind: 'api-misuse', message };
}

/** The execution's heap holds something that cannot be persisted. */
export function heapUnpersistable(detail: string): Trap {
  return { kind: 'heap-unpersistable', message: `canister state cannot be persisted: ${detail}` };
}

/** The execution's transaction failed, and the root execution rolls back with it. */
export function transactionReverted(failure: string): Trap {
  return { kind: 'transaction-reverted', message: `transaction reverted: ${failure}` };
}

/**
 * A host-realm error that escaped the kernel: the wall-clock backstop (recognised by its
 * error code), or a kernel failure. Reading it runs no canister code.
 */
export function escaped(err: unknown): Trap {
  const timedOut = codeOf(err) === 'ERR_EXECUTION_TIMED_OUT';
  return { kind: timedOut ? 'timeout' : 'host-failure', message: messageOf(err) };
}

/** No heap snapshot came back from a commit that should have produced one. */
export function noHeapSnapshot(): Trap {
  return { kind: 'host-failure', message: 'no heap snapshot' };
}

/** ICP's own text for a trap that is not worded as `ic0.trap`: a contract violation, the instruction limit. */
export function systemText(canister: string, trap: Trap): IcText | undefined {
  switch (trap.kind) {
    case 'contract-violation':
      return contractViolationText(canister, trap.violation);
    case 'instruction-limit':
      return instructionLimitText(canister, trap.limit);
    default:
      return undefined;
  }
}

/** The reject a trapped execution of `canister` answers with. */
export function reject(canister: string, trap: Trap): Reject {
  return Rejects.canisterError(systemText(canister, trap) ?? trapText(canister, trap.message));
}

/** The reject of a trap inside a synchronous query or a transaction's sub-message. */
export function nestedReject(canister: string, trap: Trap): Reject {
  return Rejects.nestedTrap(canister, trap.message, systemText(canister, trap));
}
