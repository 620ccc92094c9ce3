/**
 * The IC API as Azle exposes it: plain functions over the system API.
 */
import { Principal } from '@dfinity/principal';
import { systemApi } from '@tincan/abi';

/** Principal of the immediate caller (a user or a canister). */
export function msgCaller(): Principal {
  return Principal.fromUint8Array(systemApi().msgCaller());
}

/** Principal of the user whose ingress message started this call chain. */
export function msgOrigin(): Principal {
  return Principal.fromUint8Array(systemApi().msgOrigin());
}

/** This canister's principal. */
export function canisterSelf(): Principal {
  return Principal.fromUint8Array(systemApi().canisterSelf());
}

/** Replica time in nanoseconds since the epoch; constant within one execution. */
export function time(): bigint {
  return systemApi().time();
}

/** Aborts the current execution: its changes roll back and the caller gets CANISTER_ERROR. */
export function trap(message: string): never {
  return systemApi().trap(message);
}

/** Rejects the current call with CANISTER_REJECT (4) and `message`. */
export function msgReject(message: string): void {
  systemApi().msgReject(message);
}

/** Replies with already Candid-encoded bytes (for `manual` methods). */
export function msgReply(reply: Uint8Array): void {
  systemApi().msgReply(reply);
}

/** Candid-encoded arguments of the current message (for `manual` methods). */
export function msgArgData(): Uint8Array {
  return systemApi().msgArgData();
}

/** In `@inspectMessage`: the name of the method the inspected ingress message calls (traps elsewhere). */
export function msgMethodName(): string {
  return systemApi().msgMethodName();
}

/**
 * In `@inspectMessage`: accepts the inspected ingress message. A message the method does not
 * accept is refused before it runs. Traps when called twice or outside `@inspectMessage`.
 */
export function acceptMessage(): void {
  systemApi().acceptMessage();
}

/** In a callback: the reject code of the response (0 for a reply). */
export function msgRejectCode(): number {
  return systemApi().msgRejectCode();
}

/** In a callback: the reject message of the response. */
export function msgRejectMsg(): string {
  return systemApi().msgRejectMsg();
}

/** Deadline of the current bounded-wait call in nanoseconds; 0 for unbounded calls and ingress. */
export function msgDeadline(): bigint {
  return systemApi().msgDeadline();
}

/**
 * Instruction units spent so far, as ICP's `ic0.performance_counter`: `0` counts the current
 * message execution, `1` every execution of the current call context up to now (the method
 * and its callbacks after each `await`). Deterministic: the same code on the same state and
 * input counts the same on every run. See ARCHITECTURE.md ("Metering") for the unit.
 */
export function performanceCounter(counterType = 0): bigint {
  return systemApi().performanceCounter(counterType);
}

/** Cycles the caller attached to this call that are still available to accept. */
export function msgCyclesAvailable(): bigint {
  return systemApi().msgCyclesAvailable();
}

/**
 * Moves up to `maxAmount` of the available cycles into this canister's balance; returns the
 * amount moved. Never traps. What is not accepted goes back to the caller with the answer.
 */
export function msgCyclesAccept(maxAmount: bigint): bigint {
  return systemApi().msgCyclesAccept(maxAmount);
}

/** After an awaited call: the attached cycles the callee did not accept and refunded. */
export function msgCyclesRefunded(): bigint {
  return systemApi().msgCyclesRefunded();
}

/** This canister's cycle balance. */
export function canisterCycleBalance(): bigint {
  return systemApi().canisterCycleBalance();
}

/** Burns up to `amount` cycles, never below the freezing threshold; returns the amount burned. */
export function cyclesBurn(amount: bigint): bigint {
  return systemApi().cyclesBurn(amount);
}
