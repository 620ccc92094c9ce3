/**
 * Azle-shaped method decorators: `@update(params, ret, options)`, `@query(…)`, `@init(params)`,
 * `@postUpgrade(params)`, `@preUpgrade`, `@inspectMessage`, `@heartbeat`. Each works bare or
 * called, and under both TC39 and legacy TypeScript decorators.
 */
import type { IDL } from '@dfinity/candid';
import type { MethodMode } from '@tincan/abi';
import { recordMethod } from './method-registry.js';

type Method<This, Args extends unknown[], Return> = (this: This, ...args: Args) => Return;

/** A method decorator as TC39 decorators type it. */
export type MethodDecorator = <This, Args extends unknown[], Return>(
  originalMethod: Method<This, Args, Return>,
  context: ClassMethodDecoratorContext<This, Method<This, Args, Return>>,
) => void;

/** Options of `@query`. */
export interface QueryOptions {
  readonly composite?: boolean;
  readonly manual?: boolean;
  readonly hidden?: boolean;
}

/** Options of `@update`. */
export interface UpdateOptions {
  readonly manual?: boolean;
  readonly hidden?: boolean;
}

/** Options of `@init`, `@postUpgrade` and `@inspectMessage`. */
export interface ManualOptions {
  readonly manual?: boolean;
}

interface Spec {
  mode: MethodMode;
  params?: IDL.Type[] | undefined;
  ret?: IDL.Type | undefined;
  manual?: boolean | undefined;
  hidden?: boolean | undefined;
}

/** Applies a decorator under either decorator flavour. */
function apply(
  spec: Spec,
  target: unknown,
  contextOrKey: unknown,
  descriptor?: PropertyDescriptor,
): void {
  const meta = {
    mode: spec.mode,
    paramIdlTypes: spec.params ?? [],
    returnIdlType: spec.ret,
    manual: spec.manual === true,
    hidden: spec.hidden === true,
  };
  if (isTc39Context(contextOrKey)) recordMethod(target, meta);
  else recordMethod(descriptor?.value, meta);
}

function isTc39Context(value: unknown): value is ClassMethodDecoratorContext {
  return typeof value === 'object' && value !== null && 'kind' in value;
}

/** Whether a decorator was used bare (`@query`) rather than called (`@query(...)`). */
function isBare(args: unknown[]): boolean {
  return (
    (typeof args[0] === 'function' && isTc39Context(args[1])) ||
    (typeof args[0] === 'object' &&
      args[0] !== null &&
      !Array.isArray(args[0]) &&
      typeof args[1] === 'string')
  );
}

function factory(spec: Spec): MethodDecorator {
  return (target: unknown, context: unknown, descriptor?: PropertyDescriptor) =>
    apply(spec, target, context, descriptor);
}

function bare(spec: Spec, args: unknown[]): void {
  apply(spec, args[0], args[1], args[2] as PropertyDescriptor | undefined);
}

/** Marks an update method: it may change state and make calls. */
export function update(
  paramIdlTypes?: IDL.Type[],
  returnIdlType?: IDL.Type,
  options?: UpdateOptions,
): MethodDecorator;
export function update<This, Args extends unknown[], Return>(
  originalMethod: Method<This, Args, Return>,
  context: ClassMethodDecoratorContext<This, Method<This, Args, Return>>,
): void;
export function update(...args: unknown[]): MethodDecorator | undefined {
  if (isBare(args)) return void bare({ mode: 'update' }, args);
  const [params, ret, options] = args as [
    IDL.Type[] | undefined,
    IDL.Type | undefined,
    UpdateOptions | undefined,
  ];
  return factory({ mode: 'update', params, ret, manual: options?.manual, hidden: options?.hidden });
}

/** Marks a query method: it runs on committed state and its changes are discarded. */
export function query(
  paramIdlTypes?: IDL.Type[],
  returnIdlType?: IDL.Type,
  options?: QueryOptions,
): MethodDecorator;
export function query<This, Args extends unknown[], Return>(
  originalMethod: Method<This, Args, Return>,
  context: ClassMethodDecoratorContext<This, Method<This, Args, Return>>,
): void;
export function query(...args: unknown[]): MethodDecorator | undefined {
  if (isBare(args)) return void bare({ mode: 'query' }, args);
  const [params, ret, options] = args as [
    IDL.Type[] | undefined,
    IDL.Type | undefined,
    QueryOptions | undefined,
  ];
  return factory({
    mode: options?.composite === true ? 'compositeQuery' : 'query',
    params,
    ret,
    manual: options?.manual,
    hidden: options?.hidden,
  });
}

/** Marks the method run once at install with the Candid init arguments. */
export function init(paramIdlTypes?: IDL.Type[], options?: ManualOptions): MethodDecorator;
export function init<This, Args extends unknown[], Return>(
  originalMethod: Method<This, Args, Return>,
  context: ClassMethodDecoratorContext<This, Method<This, Args, Return>>,
): void;
export function init(...args: unknown[]): MethodDecorator | undefined {
  if (isBare(args)) return void bare({ mode: 'init' }, args);
  const [params, options] = args as [IDL.Type[] | undefined, ManualOptions | undefined];
  return factory({ mode: 'init', params, manual: options?.manual });
}

/** Marks the method run on the new code after an upgrade, with the upgrade arguments. */
export function postUpgrade(paramIdlTypes?: IDL.Type[], options?: ManualOptions): MethodDecorator;
export function postUpgrade<This, Args extends unknown[], Return>(
  originalMethod: Method<This, Args, Return>,
  context: ClassMethodDecoratorContext<This, Method<This, Args, Return>>,
): void;
export function postUpgrade(...args: unknown[]): MethodDecorator | undefined {
  if (isBare(args)) return void bare({ mode: 'postUpgrade' }, args);
  const [params, options] = args as [IDL.Type[] | undefined, ManualOptions | undefined];
  return factory({ mode: 'postUpgrade', params, manual: options?.manual });
}

/** Marks the method run on the old code before an upgrade. */
export function preUpgrade<This, Args extends unknown[], Return>(
  originalMethod: Method<This, Args, Return>,
  context: ClassMethodDecoratorContext<This, Method<This, Args, Return>>,
): void {
  bare({ mode: 'preUpgrade' }, [originalMethod, context]);
}

/**
 * Marks the method that inspects ingress update calls before they run (ICP's
 * `canister_inspect_message`). It gets no arguments: it reads `msgMethodName()`, `msgCaller()`
 * and `msgArgData()`, and calls `acceptMessage()` to let the message through. Its writes are
 * discarded and it cannot call.
 */
export function inspectMessage(options?: ManualOptions): MethodDecorator;
export function inspectMessage<This, Args extends unknown[], Return>(
  originalMethod: Method<This, Args, Return>,
  context: ClassMethodDecoratorContext<This, Method<This, Args, Return>>,
): void;
export function inspectMessage(...args: unknown[]): MethodDecorator | undefined {
  if (isBare(args)) return void bare({ mode: 'inspectMessage' }, args);
  const [options] = args as [ManualOptions | undefined];
  return factory({ mode: 'inspectMessage', manual: options?.manual });
}

/** Marks the method run once per round. */
export function heartbeat<This, Args extends unknown[], Return>(
  originalMethod: Method<This, Args, Return>,
  context: ClassMethodDecoratorContext<This, Method<This, Args, Return>>,
): void {
  bare({ mode: 'heartbeat' }, [originalMethod, context]);
}

/**
 * Marks the method ICP runs when the canister's free Wasm memory drops below its
 * `wasm_memory_threshold`. tincan records it; it never fires, as tincan has no such threshold.
 */
export function onLowWasmMemory<This, Args extends unknown[], Return>(
  originalMethod: Method<This, Args, Return>,
  context: ClassMethodDecoratorContext<This, Method<This, Args, Return>>,
): void {
  bare({ mode: 'onLowWasmMemory' }, [originalMethod, context]);
}
