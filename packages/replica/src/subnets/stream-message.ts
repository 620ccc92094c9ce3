/**
 * What travels in a stream between two subnets: requests and the responses to them, each
 * encoded as CBOR. The encoded bytes are what the sending subnet certifies, so the receiver
 * decodes exactly what the signature covers.
 */
import { decodeCbor, encodeCbor } from '@tincan/certification';
import type { Outcome } from '@tincan/runtime';

/** A request from a canister of the sending subnet to one of the receiving subnet. */
export interface StreamRequest {
  readonly kind: 'request';
  /** The sending subnet's number for the call, echoed by its response. */
  readonly callId: number;
  readonly callee: Uint8Array;
  readonly caller: Uint8Array;
  readonly origin: Uint8Array;
  readonly method: string;
  readonly arg: Uint8Array;
  readonly cycles: bigint;
  readonly deadlineNs: bigint;
  readonly depth: number;
}

/** The answer to a request that came in on the reverse stream. */
export interface StreamResponse {
  readonly kind: 'response';
  readonly callId: number;
  readonly outcome: Outcome;
  /** Attached cycles the callee did not accept. */
  readonly refund: bigint;
}

/** One message of a stream. */
export type StreamMessage = StreamRequest | StreamResponse;

/** Encodes a stream message (bigints as decimal text: CBOR integers lose nothing, but stay simple to check). */
export function encodeStreamMessage(message: StreamMessage): Uint8Array {
  if (message.kind === 'request') {
    return encodeCbor({
      ...message,
      cycles: message.cycles.toString(),
      deadlineNs: message.deadlineNs.toString(),
    });
  }
  const outcome =
    'reply' in message.outcome
      ? { reply: message.outcome.reply }
      : {
          reject: {
            code: message.outcome.reject.code,
            message: message.outcome.reject.message,
            ...(message.outcome.reject.errorCode !== undefined && {
              errorCode: message.outcome.reject.errorCode,
            }),
          },
        };
  return encodeCbor({
    kind: 'response',
    callId: message.callId,
    outcome,
    refund: message.refund.toString(),
  });
}

/** Decodes a stream message; throws on anything malformed. */
export function decodeStreamMessage(bytes: Uint8Array): StreamMessage {
  const value = decodeCbor(bytes) as Record<string, unknown>;
  const bigint = (v: unknown): bigint => {
    if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new Error('expected a decimal amount');
    return BigInt(v);
  };
  const bytesOf = (v: unknown): Uint8Array => {
    if (!(v instanceof Uint8Array)) throw new Error('expected bytes');
    return v;
  };
  const int = (v: unknown): number => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
      throw new Error('expected a count');
    return v;
  };
  if (value.kind === 'request') {
    if (typeof value.method !== 'string') throw new Error('expected a method name');
    return {
      kind: 'request',
      callId: int(value.callId),
      callee: bytesOf(value.callee),
      caller: bytesOf(value.caller),
      origin: bytesOf(value.origin),
      method: value.method,
      arg: bytesOf(value.arg),
      cycles: bigint(value.cycles),
      deadlineNs: bigint(value.deadlineNs),
      depth: int(value.depth),
    };
  }
  if (value.kind === 'response') {
    const outcome = value.outcome as Record<string, unknown> | undefined;
    if (outcome !== undefined && 'reply' in outcome)
      return {
        kind: 'response',
        callId: int(value.callId),
        outcome: { reply: bytesOf(outcome.reply) },
        refund: bigint(value.refund),
      };
    const reject = outcome?.reject as Record<string, unknown> | undefined;
    if (
      reject === undefined ||
      typeof reject.message !== 'string' ||
      typeof reject.code !== 'number' ||
      reject.code < 1 ||
      reject.code > 6
    )
      throw new Error('expected a reply or a reject');
    const errorCode = typeof reject.errorCode === 'string' ? reject.errorCode : undefined;
    return {
      kind: 'response',
      callId: int(value.callId),
      refund: bigint(value.refund),
      outcome: {
        reject: {
          code: reject.code as 1,
          message: reject.message,
          ...(errorCode !== undefined && { errorCode: errorCode as 'IC0503' }),
        },
      },
    };
  }
  throw new Error('expected a request or a response');
}
