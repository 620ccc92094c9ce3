/**
 * Decoding of untrusted binary Candid: a linear check of the whole message (header, limits,
 * types against the expected ones, every value within a quota), then @dfinity/candid's decoder,
 * whose own costs grow faster than the message on hostile input. Every failure is a
 * `CandidError` with code `ERR_CANDID_DECODE`.
 */
import { IDL } from '@dfinity/candid';
import { ensureError } from '@tincan/errors';
import { CandidError, decodeError } from './candid-error.js';
import { DEFAULT_CANDID_LIMITS, type CandidLimits } from './candid-limits.js';
import { checkFit } from './wire-fit.js';
import { parseHeader } from './wire-table.js';
import { checkValues } from './wire-values.js';

/**
 * Checks that `bytes` is well-formed Candid within `limits` and, when `expected` is given, that
 * its argument types fit those types. Throws a `CandidError` (`ERR_CANDID_DECODE`) otherwise.
 */
export function checkCandid(
  bytes: Uint8Array,
  expected?: readonly IDL.Type[],
  limits: CandidLimits = DEFAULT_CANDID_LIMITS,
): void {
  const header = parseHeader(bytes, limits);
  if (expected !== undefined) checkFit(header, expected);
  checkValues(bytes, header, limits);
}

/** Decodes untrusted `bytes` as values of `types`, after {@link checkCandid}. */
export function decodeCandid(
  types: readonly IDL.Type[],
  bytes: Uint8Array,
  limits: CandidLimits = DEFAULT_CANDID_LIMITS,
): unknown[] {
  checkCandid(bytes, types, limits);
  return decodeChecked(types, bytes);
}

/** Runs @dfinity/candid's decoder on a checked message; its errors become `CandidError`s. */
export function decodeChecked(types: readonly IDL.Type[], bytes: Uint8Array): unknown[] {
  try {
    return IDL.decode([...types], bytes);
  } catch (err) {
    if (err instanceof CandidError) throw err;
    throw decodeError(ensureError(err).message);
  }
}
