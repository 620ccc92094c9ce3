/** The package's error class: a request the server refuses, with its HTTP status. */
import { TincanError } from '@tincan/errors';

/** Codes of {@link HttpProblem}, one per HTTP status the server answers with. */
export type HttpProblemCode =
  | 'ERR_BAD_REQUEST'
  | 'ERR_FORBIDDEN'
  | 'ERR_NOT_FOUND'
  | 'ERR_METHOD_NOT_ALLOWED'
  | 'ERR_PAYLOAD_TOO_LARGE'
  | 'ERR_UNAVAILABLE'
  | 'ERR_INTERNAL';

const CODES: Record<number, HttpProblemCode> = {
  400: 'ERR_BAD_REQUEST',
  403: 'ERR_FORBIDDEN',
  404: 'ERR_NOT_FOUND',
  405: 'ERR_METHOD_NOT_ALLOWED',
  413: 'ERR_PAYLOAD_TOO_LARGE',
  503: 'ERR_UNAVAILABLE',
};

/** A request the server refuses, with its HTTP status; the package's error class. */
export class HttpProblem extends TincanError<HttpProblemCode> {
  readonly status: number;

  constructor(status: number, message: string) {
    super(CODES[status] ?? 'ERR_INTERNAL', message);
    this.status = status;
  }
}
