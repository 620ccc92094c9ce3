/**
 * Turns what `@dfinity/agent` throws into errors a CLI user can act on: a reject keeps its ICP
 * reject code, IC error code and message; other agent errors keep their one-line summary.
 */
import { AgentError } from '@dfinity/agent';
import { ensureError } from '@tincan/errors';
import { CallRejectedError } from '@tincan/abi';

interface RejectLike {
  rejectCode: number;
  rejectMessage: string;
  rejectErrorCode?: string | undefined;
}

/** The reject inside an agent error, if the call was rejected. */
export function rejectOf(err: unknown): RejectLike | undefined {
  if (!(err instanceof AgentError)) return undefined;
  const code = err.cause.code as Partial<RejectLike>;
  if (typeof code.rejectCode !== 'number' || typeof code.rejectMessage !== 'string')
    return undefined;
  return {
    rejectCode: code.rejectCode,
    rejectMessage: code.rejectMessage,
    rejectErrorCode: code.rejectErrorCode,
  };
}

/** Runs `call`; a reject becomes a {@link CallRejectedError} that names `what`. */
export async function withRejects<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const reject = rejectOf(err);
    if (reject !== undefined)
      throw new CallRejectedError(what, {
        code: reject.rejectCode,
        message: reject.rejectMessage,
        errorCode: reject.rejectErrorCode,
      });
    throw ensureError(err);
  }
}
