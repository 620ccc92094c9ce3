import { parseDidAst } from './did-parser.js';
import { resolveDid, type ParsedDid } from './did-resolve.js';

/**
 * Parses `.did` text into IDL types: the service, its init arguments (for the
 * `service : (args) -> …` form) and every named type. Throws `CandidError` with code
 * `ERR_DID_PARSE` and a `line:column` position on malformed input or `import`.
 */
export function parseDid(text: string): ParsedDid {
  return resolveDid(parseDidAst(text));
}
