/**
 * Marks every `TincanError` through its prototype. A bundled program (the CLI) may hold two
 * copies of this class, its own and the one its external packages load, so `instanceof` alone
 * cannot recognise all of them; {@link isTincanError} can.
 */
const BRAND: unique symbol = Symbol.for('tincan.TincanError');

/**
 * Base class of every error tincan throws. Each package derives one class from it
 * (`RuntimeError`, `StorageError`, …) and narrows `Code` to its own string codes, so a caller
 * can switch on `err.code` without parsing messages. The name carries the code, e.g.
 * `RuntimeError [ERR_CANISTER_NOT_FOUND]`, which makes logs greppable.
 */
export class TincanError<Code extends string = string> extends Error {
  /** Machine-readable code, stable across releases. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = `${new.target.name} [${code}]`;
  }

  /** The brand {@link isTincanError} reads. */
  get [BRAND](): true {
    return true;
  }
}

/** Whether `value` is a {@link TincanError}, from any copy of this package. */
export function isTincanError(value: unknown): value is TincanError {
  return value instanceof Error && (value as unknown as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * Normalizes anything thrown into an `Error`. Canister code may throw strings, numbers or
 * objects from another JS realm (whose `instanceof Error` is false), so we keep their message.
 */
export function ensureError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (isErrorLike(value)) {
    const err = new Error(value.message);
    if (typeof value.name === 'string') err.name = value.name;
    if (typeof value.stack === 'string') err.stack = value.stack;
    return err;
  }
  return new Error(describeThrown(value));
}

function isErrorLike(
  value: unknown,
): value is { message: string; name?: unknown; stack?: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

function describeThrown(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return `non-error thrown: ${typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value))}`;
  } catch {
    return `non-error thrown: ${String(value)}`;
  }
}
