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
import { canisterSelf } from './ic-api.js';

/** Options of {@link call}, as Azle has them. */
export type CallOptions<
  Args extends unknown[] | Uint8Array | undefined = unknown[] | Uint8Array | undefined,
> = {
  /** Candid types for encoding the arguments. */
  paramIdlTypes?: IDL.Type[];
  /** Candid type for decoding the return value. */
  returnIdlType?: IDL.Type;
  /** An array of JavaScript values; the Candid-encoded bytes for a raw call. */
  args?: Args;
  /** Cycles attached to the call. */
  cycles?: bigint;
  /** Fire and forget: resolves to undefined once the call is enqueued. */
  oneway?: boolean;
  /** `args` are already Candid-encoded bytes, and the reply is returned as bytes. */
  raw?: boolean;
  /**
   * Bounded-wait call: seconds until the caller gets SYS_UNKNOWN (capped at 300). Azle 0.33
   * throws "timeout is not yet implemented"; tincan makes the bounded-wait call ICP offers.
   */
  timeout?: number | null;
};

/** The error an awaited call fails with (Azle's union; each is an `Error` with these fields). */
export type CallError =
  CallPerformFailed | CallRejected | CleanupCallback | InsufficientLiquidCycleBalance;

/** `ic0.call_perform` refused the call (the queue to the callee is full): nothing was sent. */
export type CallPerformFailed = {
  type: 'CallPerformFailed';
};

/** The callee (or the system) rejected the call. */
export type CallRejected = {
  type: 'CallRejected';
  /** 1 SYS_FATAL, 2 SYS_TRANSIENT, 3 DESTINATION_INVALID, 4 CANISTER_REJECT, 5 CANISTER_ERROR, 6 SYS_UNKNOWN. */
  rejectCode: 1 | 2 | 3 | 4 | 5 | 6;
  rejectMessage: string;
};

/** Delivered to a call's awaiter in the cleanup that runs after its callback trapped. */
export type CleanupCallback = {
  type: 'CleanupCallback';
  rejectCode: 10_001;
  rejectMessage: 'executing within cleanup callback';
};

/** The canister cannot pay for the call without dropping below its freezing threshold. */
export type InsufficientLiquidCycleBalance = {
  type: 'InsufficientLiquidCycleBalance';
  /** Cycles the canister can spend. */
  available: bigint;
  /** Cycles the call needs: the attached cycles plus the call's fee. */
  required: bigint;
};

/** Kinds of call failure, as Azle names them. */
export type CallErrorType = CallError['type'];

/** Reject code Azle gives the error delivered in a cleanup callback. */
export const CLEANUP_CALLBACK_REJECT_CODE = 10_001;

/**
 * Makes the `Error` a failed call throws: Azle's message text (ic-cdk's wording) and its fields.
 * The object is also an instance of the `CallError` class of `@tincan/cdk/extensions`.
 */
export function callFailure(fields: CallError): Error & CallError {
  const message =
    fields.type === 'CallRejected'
      ? `call rejected: ${fields.rejectCode} - ${fields.rejectMessage}`
      : fields.type === 'CallPerformFailed'
        ? 'call perform failed'
        : fields.type === 'InsufficientLiquidCycleBalance'
          ? `insufficient liquid cycles balance, available: ${fields.available}, required: ${fields.required}`
          : fields.rejectMessage;
  return Object.assign(new CallErrorClass(message), fields);
}

/** tincan's `CallError` class (an extension; Azle's `CallError` is a type only). */
export class CallErrorClass extends Error {
  declare readonly type: CallErrorType;
  /** Set on `CallRejected` and `CleanupCallback`. */
  declare readonly rejectCode?: number;
  /** Set on `CallRejected` and `CleanupCallback`. */
  declare readonly rejectMessage?: string;
  /** Set on `InsufficientLiquidCycleBalance`. */
  declare readonly available?: bigint;
  /** Set on `InsufficientLiquidCycleBalance`. */
  declare readonly required?: bigint;
}
Object.defineProperty(CallErrorClass, 'name', { value: 'CallError' });
Object.defineProperty(CallErrorClass.prototype, 'name', {
  value: 'Error',
  writable: true,
  configurable: true,
});

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

const EMPTY_ARGS = new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0, 0]);

/**
 * Calls `method` on `canisterId` and resolves with the decoded reply (the reply bytes for a raw
 * call). A call that cannot be made rejects before anything is sent, in the same execution:
 * `InsufficientLiquidCycleBalance` when the canister cannot pay, `CallPerformFailed` when the
 * system refuses it (one-way calls included).
 */
// `Return` defaults to `any`, as in Azle: `const n: bigint = await call(...)` compiles unchanged.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Azle's signature
export async function call<Args extends unknown[] | Uint8Array | undefined, Return = any>(
  canisterId: Principal | string,
  method: string,
  options?: CallOptions<Args>,
): Promise<Return> {
  const callee = typeof canisterId === 'string' ? Principal.fromText(canisterId) : canisterId;
  const arg = argBytes(options);
  const sys = systemApi();
  const cycles = options?.cycles ?? 0n;
  const required = sys.costCall(method, arg.length) + (cycles > 0n ? cycles : 0n);
  const available = sys.canisterLiquidCycleBalance();
  if (available < required)
    throw callFailure({ type: 'InsufficientLiquidCycleBalance', available, required });
  const timeout = options?.timeout ?? undefined;
  const callId = sys.callPerform(callee.toUint8Array(), method, arg, {
    ...(options?.cycles !== undefined && { cycles: options.cycles }),
    ...(timeout !== undefined && { timeoutSeconds: timeout }),
    ...(options?.oneway === true && { oneway: true }),
  });
  if (callId <= 0) throw callFailure({ type: 'CallPerformFailed' });
  if (options?.oneway === true) return undefined as Return;
  const invocation = currentInvocation() ?? new Invocation();
  const promise = new Promise<Return>((resolve, reject) => {
    pending.set(callId, {
      resolve: resolve as (v: unknown) => void,
      reject,
      returnIdlType: options?.returnIdlType,
      raw: options?.raw === true,
      invocation,
    });
  });
  // A call nobody awaits must not surface as an unhandled rejection of the replica process; the
  // kernel's (unmetered) handler marks it handled.
  systemApi().settle(promise.then(noop, noop), noop);
  return promise;
}

/** The call's argument bytes, with Azle's checks of `raw` against `args`. */
function argBytes(
  options: CallOptions<unknown[] | Uint8Array | undefined> | undefined,
): Uint8Array {
  const args = options?.args;
  if (options?.raw === true) {
    if (args === undefined) return EMPTY_ARGS;
    if (!(args instanceof Uint8Array)) {
      throw new Error(
        'args must be a Uint8Array. If you did not intend to make a raw call, then consider setting the raw property of the call options to undefined or false',
      );
    }
    return args;
  }
  if (args instanceof Uint8Array) {
    throw new Error(
      'args must be an array of JavaScript values. If you intended to make a raw call, then consider setting the raw property of the call options to true',
    );
  }
  if (options?.paramIdlTypes === undefined && args === undefined) return EMPTY_ARGS;
  return codecFor(options?.paramIdlTypes ?? []).encode(args ?? []);
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
    entry.reject(
      callFailure({
        type: 'CallRejected',
        rejectCode: code as CallRejected['rejectCode'],
        rejectMessage: sys.msgRejectMsg(),
      }),
    );
    return;
  }
  try {
    const bytes = sys.msgArgData();
    if (entry.raw) entry.resolve(bytes);
    else
      entry.resolve(
        entry.returnIdlType === undefined
          ? undefined
          : codecFor([entry.returnIdlType]).decode(bytes)[0],
      );
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

/**
 * Ends the current execution and continues in a new one (a call to this canister), so long
 * work can spread over several instruction budgets. State changes made so far commit.
 */
export async function chunk(): Promise<void> {
  await call<Uint8Array, Uint8Array>(canisterSelf(), '_azle_chunk', { cycles: 0n, raw: true });
}
