/**
 * Host-side handling of values that come out of a canister's realm (thrown values, rejection
 * reasons). The host must never run canister code outside an execution: reading a getter,
 * `String(x)` (`toString`, `valueOf`, `Symbol.toPrimitive`), `JSON.stringify` (`toJSON`), a
 * proxy trap, or an error's `stack` (formatted lazily, from its `name` and `message`) all
 * would. So these helpers read own data properties only, after checking for proxies.
 */
import { types } from 'node:util';

const MAX_CHARS = 8_192;
const MAX_DEPTH = 16;

function clip(text: string): string {
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}…` : text;
}

/** A data property's string value, or undefined; never calls a getter or a proxy trap. */
function dataString(value: object, key: string): string | undefined {
  if (types.isProxy(value)) return undefined;
  try {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    return descriptor !== undefined && 'value' in descriptor && typeof descriptor.value === 'string'
      ? descriptor.value
      : undefined;
  } catch {
    // A module namespace with a binding not yet initialized throws here.
    return undefined;
  }
}

/** The first data property `key` along the prototype chain, stopping at a proxy. */
function inheritedString(value: object, key: string): string | undefined {
  let current: object | null = value;
  for (let depth = 0; current !== null && depth < MAX_DEPTH && !types.isProxy(current); depth++) {
    const found = dataString(current, key);
    if (found !== undefined) return found;
    current = Object.getPrototypeOf(current) as object | null;
  }
  return undefined;
}

/**
 * Describes anything thrown, from any realm, without running its code: `Name: message` of an
 * error-like object, a primitive's text, or a fixed text for anything else.
 */
export function describeThrown(value: unknown): string {
  if (typeof value === 'string') return clip(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value !== 'object' || value === null) return clip(String(value));
  if (types.isProxy(value)) return 'a proxy';
  const message = dataString(value, 'message');
  const name = inheritedString(value, 'name');
  if (message !== undefined)
    return clip(message === '' ? (name ?? 'Error') : `${name ?? 'Error'}: ${message}`);
  return name ?? 'an object that is not an Error';
}

/** The message of anything thrown, read as {@link describeThrown} reads it. */
export function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const message = dataString(err, 'message');
    if (message !== undefined) return clip(message);
  }
  return describeThrown(err);
}

/**
 * Whether `value` is an object of the host's realm (its prototype chain reaches the host's
 * `Object.prototype`), checked without running canister code.
 */
export function isHostObject(value: unknown): boolean {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  let current: object | null = value;
  for (let depth = 0; current !== null && depth < 64 && !types.isProxy(current); depth++) {
    if (current === Object.prototype || current === Function.prototype) return true;
    current = Object.getPrototypeOf(current) as object | null;
  }
  return false;
}

/** `{ cause }` for a host error; nothing for a canister's value, which host code must not format later. */
export function hostCause(err: unknown): { cause?: unknown } {
  return isHostObject(err) ? { cause: err } : {};
}

/** The `code` of anything thrown (`ERR_…`), read as {@link describeThrown} reads it. */
export function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? dataString(err, 'code') : undefined;
}
