/**
 * Decorators record each entry point here, keyed by the method function itself. Keying by
 * function (not by decorator context) makes TC39 decorators and TypeScript's legacy
 * `experimentalDecorators` work alike: registration later walks the class prototype and looks
 * every function up.
 */
import type { IDL } from '@dfinity/candid';
import type { MethodMode } from '@tincan/abi';

/** What a decorator recorded about one method. */
export interface MethodMeta {
  readonly mode: MethodMode;
  readonly paramIdlTypes: IDL.Type[];
  readonly returnIdlType: IDL.Type | undefined;
  readonly manual: boolean;
  readonly hidden: boolean;
}

const metas = new WeakMap<object, MethodMeta>();

/** Records `fn` as an entry point. */
export function recordMethod(fn: unknown, meta: MethodMeta): void {
  if (typeof fn === 'function') metas.set(fn, meta);
}

/** The entry point recorded for `fn`, if any. */
export function methodMeta(fn: unknown): MethodMeta | undefined {
  return typeof fn === 'function' ? metas.get(fn) : undefined;
}
