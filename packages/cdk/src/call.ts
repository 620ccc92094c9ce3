/**
 * Inter-canister calls. `await call(...)` ends the current execution: the runtime commits what
 * the method did so far, sends the call, and resumes the code after the `await` as a new
 * execution when the response arrives.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { systemApi } from '@tincan/abi';
import { codecFor } from '@tincan/candid';
import { beginExecution, currentInvocation, Invocation } from './guard.js';

/** Options of {@link call}, as Azle has them. */
export interface CallOptions<Args extends unknown[] = unknown[]> {
  readonly args?: Args;
  readonly paramIdlTypes?: IDL.Type[];
  readonly returnIdlType?: IDL.Type;
  /** Cycles attached to the call. */
  readonly cycles?: bigint;
  /** Already Candid-encoded arguments; the reply is then returned raw too. */
  readonly raw?: Uint8Array;
  /** Bounded-wait call: seconds until the caller gets SYS_UNKNOWN (capped at 300). */
  readonly timeout?: number;
  /** Fire and forget: resolves to undefined once sent. */
  readonly oneway?: boolean;
}

/** Kinds of call failure, as Azle names them. */
export type CallErrorType = 'CallRejected' | 'CallPerformFailed' | 'InsufficientLiquidCycleBalance' | 'CleanupCallback';

/**
 * The error an awaited call rejects with. Like Azle's, it is an `Error` carrying `type`,
 * `rejectCode` and `rejectMessage`; catching it is the callback that always runs.
 */
export class CallError extends Error {
  readonly type: CallErrorType;
  readonly rejectCode: number;
  readonly rejectMessage: string;

  constructor(type: CallErrorType, rejectCode: number, rejectMessage: string) {
    super(type === 'CallRejected' ? `call rejected: ${rejectCode} - ${rejectMessage}` : rejectMessage);
    this.type = type;
    this.rejectCode = rejectCode;
    this.rejectMessage = rejectMessage;
  }
}

interface PendingCall {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly returnIdlType: IDL.Type | undefined;
  readonly raw: boolean;
  /** The method call that awaits it: its callback and cleanup run in it. */
  readonly invocation: Invocation;
}

const pending = new Map<number, PendingCall>();
/** The call whose response ran last, and its invocation: the cleanup that may follow needs it. */
let lastDelivered: { callId: number; invocation: Invocation } | undefined;

/** Calls `method` on `canisterId`; resolves with the decoded reply. */
export async function call<Args extends unknown[] = unknown[], Return = unknown>(
  canisterId: Principal | string,
  method: string,
  options: CallOptions<Args> = {},
): Promise<Return> {
  const callee = typeof canisterId === 'string' ? Principal.fromText(canisterId) : canisterId;
  const arg = options.raw ?? codecFor(options.paramIdlTypes ?? []).encode(options.args ?? []);
  const callId = systemApi().callPerform(callee.toUint8Array(), method, arg, {
    ...(options.cycles !== undefined && { cycles: options.cycles }),
    ...(options.timeout !== undefined && { timeoutSeconds: options.timeout }),
    ...(options.oneway === true && { oneway: true }),
  });
  if (callId === 0) {
    throw new CallError('InsufficientLiquidCycleBalance', 0, `cannot attach ${options.cycles ?? 0n} cycles and pay the call fee without dropping below the freezing threshold`);
  }
  if (options.oneway === true) return undefined as Return;
  const invocation = currentInvocation() ?? new Invocation();
  const promise = new Promise<Return>((resolve, reject) => {
    pending.set(callId, { resolve: resolve as (v: unknown) => void, reject, returnIdlType: options.returnIdlType, raw: options.raw !== undefined, invocation });
  });
  // A call nobody awaits must not surface as an unhandled rejection of the replica process; the
  // kernel's (unmetered) handler marks it handled.
  systemApi().settle(promise.then(noop, noop), noop);
  return promise;
}

/** Runtime entry: the response to `callId` is in msgArgData / msgRejectCode. */
export function deliverResponse(callId: number): void {
  const entry = pending.get(callId);
  beginExecution(entry?.invocation ?? new Invocation());
  if (entry === undefined) return;
  pending.delete(callId);
  lastDelivered = { callId, invocation: entry.invocation };
  const sys = systemApi();
  const code = sys.msgRejectCode();
  if (code !== 0) {
    entry.reject(new CallError('CallRejected', code, sys.msgRejectMsg()));
    return;
  }
  try {
    const bytes = sys.msgArgData();
    if (entry.raw) entry.resolve(bytes);
    else entry.resolve(entry.returnIdlType === undefined ? undefined : codecFor([entry.returnIdlType]).decode(bytes)[0]);
  } catch (err) {
    entry.reject(err);
  }
}

/** The invocation whose callback for `callId` just ran, for its cleanup. */
export function invocationOfDelivered(callId: number): Invocation | undefined {
  return lastDelivered?.callId === callId ? lastDelivered.invocation : undefined;
}

/** Runtime entry: these calls were never sent; their continuations will never run. */
export function forgetCalls(callIds: readonly number[]): void {
  for (const id of callIds) pending.delete(id);
}

function noop(): void {}
