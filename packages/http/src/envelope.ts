/**
 * Decoding and checking request envelopes: CBOR `{ content, sender_pubkey?, sender_sig?,
 * sender_delegation? }`, where `content` is a call, query or read_state request. Problems
 * become {@link HttpProblem}s carrying the HTTP status and the text agents understand.
 */
import { decodeCbor, requestId } from '@tincan/certification';
import { authenticateEnvelope, checkTargets, type TargetRestrictions } from './auth-envelope.js';
import { HttpProblem } from './problem.js';

export { HttpProblem, type HttpProblemCode } from './problem.js';

/** A call or query: the fields every request of these types carries. */
export interface CanisterRequest {
  readonly type: 'call' | 'query';
  readonly canisterId: Uint8Array;
  readonly methodName: string;
  readonly arg: Uint8Array;
  readonly sender: Uint8Array;
  readonly ingressExpiry: bigint;
  /** The request id: representation-independent hash of `content`. */
  readonly requestId: Uint8Array;
}

/** A read_state request. */
export interface ReadStateRequest {
  readonly type: 'read_state';
  readonly paths: Uint8Array[][];
  readonly sender: Uint8Array;
  readonly ingressExpiry: bigint;
  /** The target lists of the sender's delegation chain; a canister must be in each. */
  readonly targets: TargetRestrictions;
}

/** Largest ingress expiry ahead of now the IC accepts, plus the drift it tolerates. */
const MAX_INGRESS_TTL_NS = 5n * 60n * 1_000_000_000n;
const PERMITTED_DRIFT_NS = 60n * 1_000_000_000n;

/** Decodes an envelope and checks its content is a request of `expected` type. */
export function decodeEnvelope(
  body: Uint8Array,
  expected: 'call' | 'query',
  nowNs: bigint,
): CanisterRequest;
export function decodeEnvelope(
  body: Uint8Array,
  expected: 'read_state',
  nowNs: bigint,
): ReadStateRequest;
export function decodeEnvelope(
  body: Uint8Array,
  expected: 'call' | 'query' | 'read_state',
  nowNs: bigint,
): CanisterRequest | ReadStateRequest {
  let envelope: unknown;
  try {
    envelope = decodeCbor(body);
  } catch (err) {
    throw new HttpProblem(400, `Could not parse body as CBOR: ${(err as Error).message}`);
  }
  if (!isRecord(envelope) || !isRecord(envelope.content)) {
    throw new HttpProblem(
      400,
      'Could not parse body as a request envelope: expected a map with a "content" map',
    );
  }
  const content = envelope.content;
  if (content.request_type !== expected) {
    throw new HttpProblem(
      400,
      `Expected a request of type "${expected}", got ${JSON.stringify(String(content.request_type))}`,
    );
  }
  const sender = bytesField(content, 'sender');
  const ingressExpiry = natField(content, 'ingress_expiry');
  checkExpiry(ingressExpiry, nowNs);
  if (content.nonce !== undefined) bytesField(content, 'nonce');
  if (expected === 'read_state') {
    const paths = pathsField(content);
    const targets = authenticateEnvelope(envelope, sender, requestIdOf(content), nowNs);
    return { type: 'read_state', paths, sender, ingressExpiry, targets };
  }
  const methodName = content.method_name;
  if (typeof methodName !== 'string')
    throw new HttpProblem(400, 'Field "method_name" must be a text string');
  const canisterId = bytesField(content, 'canister_id');
  const arg = bytesField(content, 'arg');
  const id = requestIdOf(content);
  checkTargets(authenticateEnvelope(envelope, sender, id, nowNs), canisterId);
  return { type: expected, canisterId, methodName, arg, sender, ingressExpiry, requestId: id };
}

function requestIdOf(content: Record<string, unknown>): Uint8Array {
  try {
    return requestId(content);
  } catch (err) {
    throw new HttpProblem(400, `Could not compute the request id: ${(err as Error).message}`);
  }
}

function checkExpiry(expiry: bigint, nowNs: bigint): void {
  const min = nowNs;
  const max = nowNs + MAX_INGRESS_TTL_NS + PERMITTED_DRIFT_NS;
  if (expiry < min || expiry > max) {
    throw new HttpProblem(
      400,
      `Invalid request expiry: Specified ingress_expiry not within expected range: Minimum allowed expiry: ${min}, Maximum allowed expiry: ${max}, Provided expiry: ${expiry}`,
    );
  }
}

function bytesField(content: Record<string, unknown>, name: string): Uint8Array {
  const value = content[name];
  if (!(value instanceof Uint8Array))
    throw new HttpProblem(400, `Field "${name}" must be a byte string`);
  return value;
}

function natField(content: Record<string, unknown>, name: string): bigint {
  const value = content[name];
  if (typeof value === 'bigint' && value >= 0n) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  throw new HttpProblem(400, `Field "${name}" must be a natural number`);
}

function pathsField(content: Record<string, unknown>): Uint8Array[][] {
  const paths = content.paths;
  const valid =
    Array.isArray(paths) &&
    paths.every(
      (path) => Array.isArray(path) && path.every((label) => label instanceof Uint8Array),
    );
  if (!valid)
    throw new HttpProblem(
      400,
      'Field "paths" must be an array of paths, each an array of byte strings',
    );
  return paths;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}
