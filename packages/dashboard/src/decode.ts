/**
 * Candid text of a traced execution's argument and answer, decoded with the interface of the
 * canister that declared them: a method's arguments and results on its own canister, and a
 * callback's argument with the results of the method it called on the callee. Bytes that do
 * not match (or a canister without an interface) are printed without types.
 */
import { IDL } from '@dfinity/candid';
import {
  checkCandid,
  decodeCandid,
  decodeCandidBytes,
  parseDid,
  printCandidValues,
  type ParsedDid,
} from '@tincan/candid';

const parsed = new Map<string, ParsedDid | undefined>();

function didOf(candid: string): ParsedDid | undefined {
  if (!parsed.has(candid)) {
    let did: ParsedDid | undefined;
    try {
      did = parseDid(candid);
    } catch {
      did = undefined;
    }
    if (parsed.size > 200) parsed.clear();
    parsed.set(candid, did);
  }
  return parsed.get(candid);
}

function hexBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Candid text of `hex`, typed by `method`'s arguments or results in `candid` when possible. */
export function decodeFor(
  candid: string | undefined,
  method: string | undefined,
  part: 'args' | 'rets',
  hex: string,
): string {
  const bytes = hexBytes(hex);
  if (bytes.length === 0) return '';
  const field =
    candid === undefined || method === undefined
      ? undefined
      : didOf(candid)?.service._fields.find(([name]) => name === method)?.[1];
  // A method the interface does not list (a hidden one, such as a `@reply` handler) has no
  // field; candid's `instanceof` reads a property of it, so undefined must not reach it.
  if (field !== undefined && field instanceof IDL.FuncClass) {
    const types = part === 'args' ? field.argTypes : field.retTypes;
    try {
      return printCandidValues(types, decodeCandid(types, bytes));
    } catch {
      // Falls through to the untyped form.
    }
  }
  try {
    // Canister-made bytes are untrusted: checked with the usual limits before decoding.
    checkCandid(bytes);
    return decodeCandidBytes(bytes);
  } catch (err) {
    return `(${bytes.length} bytes that are not Candid: ${(err as Error).message})`;
  }
}
