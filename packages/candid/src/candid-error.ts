import { TincanError } from '@tincan/errors';

/**
 * Codes raised by @tincan/candid: `.did` text, textual values, and binary Candid that is
 * malformed, over a limit, or not of the expected type (`ERR_CANDID_DECODE`).
 */
export type CandidErrorCode = 'ERR_DID_PARSE' | 'ERR_CANDID_VALUE' | 'ERR_CANDID_DECODE';

/** A position in `.did` source text; both numbers count from 1. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * Error raised for malformed `.did` text. The message starts with `line:column`, and the same
 * position is kept on `position` so tools can point at it without parsing the message.
 */
export class CandidError extends TincanError<CandidErrorCode> {
  readonly position: SourcePosition | undefined;

  constructor(
    code: CandidErrorCode,
    message: string,
    options?: { cause?: unknown; position?: SourcePosition },
  ) {
    const position = options?.position;
    super(
      code,
      position === undefined ? message : `${position.line}:${position.column}: ${message}`,
      options,
    );
    this.position = position;
  }
}

/** Shorthand for the parse error at `position`. */
export function didParseError(message: string, position: SourcePosition): CandidError {
  return new CandidError('ERR_DID_PARSE', message, { position });
}

/** Shorthand for the error of binary Candid that cannot be decoded. */
export function decodeError(message: string): CandidError {
  return new CandidError('ERR_CANDID_DECODE', message);
}
