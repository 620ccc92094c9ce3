/**
 * What is and is not heap data at the root: the canister instance's own enumerable fields are
 * the heap, except handles of stable structures, which live in stable memory.
 */
import { HANDLE_SYMBOL as ABI_HANDLE_SYMBOL } from '@tincan/abi';

/** Marks prototypes of handles (stable structures) that are not heap data. */
export const HANDLE_SYMBOL = Symbol.for(ABI_HANDLE_SYMBOL);

/** Thrown when the heap holds a value that cannot be persisted. */
export class UnpersistableError extends Error {}

/** Thrown when the heap's byte arrays alone exceed the canister's heap limit. */
export class HeapLimitError extends Error {}

/** Whether `value` is a stable-structure handle rather than heap data. */
export function isHandle(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[HANDLE_SYMBOL] === true
  );
}

/** The heap fields of the root: own enumerable properties that are not handles. */
export function rootKeys(root: object): string[] {
  return Object.keys(root).filter((k) => !isHandle((root as Record<string, unknown>)[k]));
}
