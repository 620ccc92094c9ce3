/**
 * Dispatch/reply, CosmWasm's transactional call mode (an extension: Azle has no such API).
 *
 * `dispatch(target, method, args, { replyOn })` records a sub-message and returns its message
 * id; it runs when the current execution ends, in a storage frame of its own nested in this
 * one, across canisters. The whole tree commits once, atomically, when the root execution
 * ends. With `replyOn` 'never' or 'success' a failed sub-message reverts the whole transaction;
 * with 'error' or 'always' the `@reply` handler (or the method named by `callback`) gets
 * `(msgId, success, data)`: the reply's Candid bytes on success, the error text (UTF-8) on
 * failure, and decides. Sub-messages share the root's instruction budget; nesting stops at
 * {@link MAX_SUBMSG_DEPTH}. `msgCaller()` in a sub-message is the dispatching canister,
 * `msgOrigin()` the user who started the transaction. A reply handler of a sub-message the
 * root dispatched may replace the root's answer with {@link setReplyData} (CosmWasm's reply
 * `data`).
 *
 * `queryContract(target, method, args)` runs another canister's query inline, read-only, and
 * returns its result in the same execution.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { systemApi } from '@tincan/abi';
import { recordMethod } from './method-registry.js';
import { trap } from './ic-api.js';

/** How deep sub-messages nest: the root execution is depth 0, its sub-messages depth 1. */
export const MAX_SUBMSG_DEPTH = 256;

/** When the dispatcher's reply handler runs. */
export type ReplyOn = 'never' | 'success' | 'error' | 'always';

const REPLY_ON: readonly ReplyOn[] = ['never', 'success', 'error', 'always'];

/** Options of {@link dispatch}. */
export interface DispatchOptions {
  /** When the reply handler runs (default 'never'). */
  readonly replyOn?: ReplyOn;
  /** Cycles moved to the target inside the sub-message's frame (returned if it fails). */
  readonly cycles?: bigint;
  /** Candid types of `args` when they are values (not raw bytes). */
  readonly paramIdlTypes?: IDL.Type[];
  /** Name of a `@reply` method that gets this sub-message's reply instead of the default one. */
  readonly callback?: string;
}

/** The reply handler's Candid parameters: `(msgId, success, data)`. */
export const ReplyParams = [IDL.Nat64, IDL.Bool, IDL.Vec(IDL.Nat8)];

/** The default `@reply` method of the canister (the first one declared). */
let defaultReplyMethod: string | undefined;

/**
 * Dispatches a sub-message to `target`'s update `method`; `args` are raw Candid bytes, or
 * values with `options.paramIdlTypes`. Returns the message id its reply will carry.
 */
export function dispatch(
  target: Principal | string,
  method: string,
  args: Uint8Array | readonly unknown[],
  options: DispatchOptions = {},
): bigint {
  const replyOn = options.replyOn ?? 'never';
  const code = REPLY_ON.indexOf(replyOn);
  if (code < 0)
    trap(`dispatch: replyOn must be one of ${REPLY_ON.join(', ')}, got ${String(replyOn)}`);
  const callee = typeof target === 'string' ? Principal.fromText(target) : target;
  const arg =
    args instanceof Uint8Array
      ? args
      : new Uint8Array(IDL.encode(options.paramIdlTypes ?? [], [...args]));
  const replyMethod = replyOn === 'never' ? '' : (options.callback ?? defaultReplyMethod ?? '');
  return systemApi().dispatch(
    callee.toUint8Array(),
    method,
    arg,
    code,
    options.cycles ?? 0n,
    replyMethod,
  );
}

/**
 * Runs `target`'s query `method` inline and returns its reply decoded with `returnIdlType`
 * (or the raw bytes without it). A reject or trap of the query throws an `Error` with its text.
 */
export function queryContract<T = unknown>(
  target: Principal | string,
  method: string,
  args: {
    readonly paramIdlTypes?: IDL.Type[];
    readonly args?: readonly unknown[];
    readonly raw?: Uint8Array;
    readonly returnIdlType?: IDL.Type;
  } = {},
): T {
  const callee = typeof target === 'string' ? Principal.fromText(target) : target;
  const arg =
    args.raw ?? new Uint8Array(IDL.encode(args.paramIdlTypes ?? [], [...(args.args ?? [])]));
  const [code, bytes] = systemApi().queryContract(callee.toUint8Array(), method, arg);
  if (code !== 0)
    throw new Error(
      `queryContract ${method} was rejected (${code}): ${new TextDecoder().decode(bytes)}`,
    );
  if (args.returnIdlType === undefined) return bytes as T;
  return IDL.decode([args.returnIdlType], bytes)[0] as T;
}

/** Where the current execution runs in a transaction: outside one, in a sub-message, or in a reply handler. */
export function dispatchRole(): 'none' | 'subMessage' | 'reply' {
  const role = systemApi().dispatchRole();
  return role === 1 ? 'subMessage' : role === 2 ? 'reply' : 'none';
}

/**
 * CosmWasm's reply `data`: in a reply handler of a sub-message the root execution dispatched,
 * replaces what the root answers its caller with once the transaction commits (the last call
 * wins). The bytes must be Candid of the root method's return type: pass the value with that
 * type (`setReplyData(value, IDL.Text)`), or Candid bytes. Only a reply of the root is
 * replaced (a root that rejected keeps its reject). Traps anywhere else.
 */
export function setReplyData(data: Uint8Array): void;
export function setReplyData(value: unknown, returnIdlType: IDL.Type): void;
export function setReplyData(value: unknown, returnIdlType?: IDL.Type): void {
  const bytes =
    returnIdlType === undefined
      ? (value as Uint8Array)
      : new Uint8Array(IDL.encode([returnIdlType], [value]));
  systemApi().dispatchSetReplyData(bytes);
}

type ReplyHandler<This> = (
  this: This,
  msgId: bigint,
  success: boolean,
  data: Uint8Array,
) => unknown;

/**
 * Marks the method that gets `(msgId, success, data)` for sub-messages this canister
 * dispatched (the first `@reply` method declared is the default; `callback` names another).
 * It runs only as a reply: called any other way, it traps.
 */
export function reply<This>(
  originalMethod: ReplyHandler<This>,
  context: ClassMethodDecoratorContext<This, ReplyHandler<This>>,
): ReplyHandler<This>;
export function reply(
  target: object,
  key: string,
  descriptor: PropertyDescriptor,
): PropertyDescriptor;
export function reply(...args: unknown[]): unknown {
  const [first, second, third] = args;
  const tc39 = typeof second === 'object' && second !== null && 'kind' in second;
  const original = (tc39 ? first : (third as PropertyDescriptor).value) as (
    ...a: unknown[]
  ) => unknown;
  const name = tc39 ? String((second as ClassMethodDecoratorContext).name) : String(second);
  const wrapped = function (this: unknown, ...callArgs: unknown[]): unknown {
    if (systemApi().dispatchRole() !== 2)
      trap(
        `${name} is a @reply handler: only the runtime calls it, with the reply to a dispatched sub-message`,
      );
    return original.apply(this, callArgs);
  };
  recordMethod(wrapped, {
    mode: 'update',
    paramIdlTypes: ReplyParams,
    returnIdlType: undefined,
    manual: false,
    hidden: true,
  });
  defaultReplyMethod ??= name;
  if (tc39) return wrapped;
  (third as PropertyDescriptor).value = wrapped;
  return third;
}
