/**
 * The IC API as Azle exposes it: plain functions over the system API.
 */
import { Principal } from '@dfinity/principal';
import { systemApi } from '@tincan/abi';
import { decodeCandidBytes, encodeCandidText } from '@tincan/candid';

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
  acceptedByCall = true;
}

let acceptedByCall = false;

/** CDK entry: an `@inspectMessage` run starts. */
export function beginInspection(): void {
  acceptedByCall = false;
}

/** Whether the running `@inspectMessage` already accepted with {@link acceptMessage}. */
export function messageAcceptedByCall(): boolean {
  return acceptedByCall;
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
export function performanceCounter(counterType: number = 0): bigint {
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

/** ICP's canister version: bumped by every install, upgrade and settings change. */
export function canisterVersion(): bigint {
  return systemApi().canisterVersion();
}

/** Whether `principal` is one of this canister's controllers. */
export function isController(principal: Principal): boolean {
  return systemApi().isController(principal.toUint8Array());
}

/**
 * Whether the code runs in replicated execution: true in updates, callbacks, timers,
 * heartbeats and lifecycle hooks; false in queries and `@inspectMessage`.
 */
export function inReplicatedExecution(): boolean {
  return systemApi().inReplicatedExecution();
}

/** Reseeds this canister's `Math.random` from `seed`; the stream is saved and rolled back with the heap. */
export function randSeed(seed: Uint8Array): void {
  systemApi().randSeed(seed);
}

/** Encodes textual Candid arguments, such as `(5 : nat, "x")`, with the types their text implies. */
export function candidEncode(candidString: string): Uint8Array {
  return encodeCandidText(candidString);
}

/** Decodes Candid bytes with their own type table into textual Candid. */
export function candidDecode(candidBytes: Uint8Array): string {
  return decodeCandidBytes(candidBytes);
}
