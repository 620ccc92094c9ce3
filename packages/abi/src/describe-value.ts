/**
 * Describes a thrown value for a trap message without running its code: only own data
 * properties are read (`message`, and `name` along the prototype chain), never a getter,
 * `toString`, `valueOf` or `Symbol.toPrimitive`. A proxy's traps are canister code and run
 * metered, inside the execution; if they throw (or spend the budget), the description falls
 * back to a fixed text.
 */

// Captured before canister code runs: it may replace the globals later.
const getOwn = Object.getOwnPropertyDescriptor;
const protoOf = Object.getPrototypeOf;
const toText = String;

/** Longest description kept; a trap message is not the place for megabytes. */
const MAX_CHARS = 8_192;
/** Prototype levels searched for a `name`. */
const MAX_DEPTH = 16;

function ownString(value: object, key: string): string | undefined {
  const descriptor = getOwn(value, key);
  return descriptor !== undefined && 'value' in descriptor && typeof descriptor.value === 'string'
    ? descriptor.value
    : undefined;
}

function inheritedString(value: object, key: string): string | undefined {
  let current: object | null = value;
  for (let depth = 0; current !== null && depth < MAX_DEPTH; depth++) {
    const found = ownString(current, key);
    if (found !== undefined) return found;
    current = protoOf(current) as object | null;
  }
  return undefined;
}

function clip(text: string): string {
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}…` : text;
}

/** `Name: message` of an error-like value, or a primitive's text, as `String(err)` would, without running it. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return clip(value);
  if (typeof value !== 'object' || value === null) {
    // Functions may carry a hostile `toString` too; primitives convert without running code.
    return typeof value === 'function' ? 'a function' : clip(toText(value));
  }
  try {
    const message = ownString(value, 'message');
    const name = inheritedString(value, 'name');
    if (message !== undefined)
      return clip(message === '' ? (name ?? 'Error') : `${name ?? 'Error'}: ${message}`);
    return name !== undefined ? clip(name) : 'an object that is not an Error';
  } catch {
    return 'a value that could not be described';
  }
}

/** Whether `key`, where it is first found along the prototype chain, is a data property (or absent). */
function plainAlongChain(value: object, key: string): boolean {
  let current: object | null = value;
  for (let depth = 0; current !== null && depth < MAX_DEPTH; depth++) {
    const descriptor = getOwn(current, key);
    if (descriptor !== undefined) return 'value' in descriptor;
    current = protoOf(current) as object | null;
  }
  return true;
}

/**
 * An error's stack trace, or undefined when reading it would run the error's own code: a stack
 * is formatted when first read, from the error's `name` and `message`, so both must be plain
 * data, and so must `stack` itself.
 */
export function stackOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  try {
    if (!plainAlongChain(err, 'name') || !plainAlongChain(err, 'message')) return undefined;
    const descriptor = getOwn(err, 'stack');
    return descriptor !== undefined && 'value' in descriptor && typeof descriptor.value === 'string'
      ? clip(descriptor.value)
      : undefined;
  } catch {
    return undefined;
  }
}
