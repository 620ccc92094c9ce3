/** Prints IDL service types as `.did` text; safe to run in a realm with its own @dfinity/candid. */
export { serviceToDid, typeToDid } from './did-printer.js';
/** Parses `.did` text back into IDL types. */
export { parseDid } from './parse-did.js';
/** Result of `parseDid`. */
export type { ParsedDid } from './did-resolve.js';
/** Error thrown for malformed `.did` text (code `ERR_DID_PARSE`). */
export { CandidError, type CandidErrorCode, type SourcePosition } from './candid-error.js';
export { codecFor } from './candid-codec.js';
export type { CandidCodec } from './candid-codec.js';
/** Parses textual Candid arguments such as `(5 : nat, "x")` into values for `IDL.encode` (errors: `ERR_CANDID_VALUE`). */
export { parseCandidArgs } from './text-check.js';
/** Prints Candid values as dfx does, e.g. `(record { a = 1 : nat; b = "x" })`. */
export { printCandidValues, printCandidValue } from './text-printer.js';
/** Converts Candid values to JSON-friendly data for `--output json`. */
export { candidValuesToJson, candidValueToJson, type CandidJson } from './text-json.js';
/** Checks and decodes untrusted binary Candid (limits, types, a decoding quota; errors: `ERR_CANDID_DECODE`). */
export { checkCandid, decodeCandid } from './candid-decode.js';
/** The limits applied to untrusted binary Candid. */
export { DEFAULT_CANDID_LIMITS, type CandidLimits } from './candid-limits.js';
/** Raw Candid builders and the hostile arguments decoders must refuse, for tests and benchmarks. */
export {
  candidMessage,
  hostileCandid,
  leb128,
  sleb128,
  type HostileCandid,
  type HostileTarget,
} from './hostile-candid.js';
/** Candid text ↔ bytes with no interface given, as Azle's `candidEncode`/`candidDecode`. */
export { decodeCandidBytes, encodeCandidText } from './candid-untyped.js';
/** `.did` text → its syntax tree (type names unresolved), for code generators. */
export { parseDidAst } from './did-parser.js';
export type { DidFileAst, FieldAst, FuncAst, MethodAst, TypeAst, TypeDefAst } from './did-ast.js';
