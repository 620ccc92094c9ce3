/**
 * The endpoints' logic, independent of node:http: each takes the effective id from the URL
 * and the request body, and returns the HTTP status and body to send.
 */
import { Principal } from '@dfinity/principal';
import { encodeCbor, utf8 } from '@tincan/certification';
import { managementTarget, type Outcome, type Replica } from '@tincan/replica';
import { checkTargets } from './auth-envelope.js';
import { decodeEnvelope, HttpProblem, type CanisterRequest } from './envelope.js';
import { signQueryResponse, type NodeKey, type QueryResponse } from './node-key.js';
import type { CertifiedState, RequestStatus } from './state.js';
import { bytesEqual, toHex } from '@tincan/bytes';
import { Rejects } from '@tincan/abi';

/** What an endpoint answers: an HTTP status and a body (CBOR unless `text`). */
export interface Answer {
  readonly status: number;
  readonly body: Uint8Array;
  readonly text?: boolean;
}

/** Everything the handlers need. */
export interface HandlerContext {
  readonly replica: Replica;
  readonly state: CertifiedState;
  readonly nodeKey: NodeKey;
  readonly nowNs: () => bigint;
  /** How long a synchronous call waits before answering 202, in ms. */
  readonly syncCallTimeoutMs: number;
  /** Calls being executed, by request id (hex), so a resubmitted call does not run twice. */
  readonly inFlight: Map<string, Promise<void>>;
}

const MANAGEMENT_CANISTER = new Uint8Array(0);

/**
 * `POST /api/v2|v3|v4/canister/<id>/call`: v2 answers 202; v3/v4 wait and certify. A message
 * the canister's `@inspectMessage` refuses is not executed: the answer is 200 with the reject
 * (a non-replicated rejection), as the IC answers.
 */
export async function handleCall(
  ctx: HandlerContext,
  effectiveId: Principal,
  body: Uint8Array,
  sync: boolean,
): Promise<Answer> {
  const request = decodeEnvelope(body, 'call', ctx.nowNs());
  checkEffectiveId(request, effectiveId);
  checkArgSize(ctx, request);
  const refused = inspectRefusal(ctx, request, sync);
  if (refused !== undefined) return refused;
  const executed = submit(ctx, request);
  if (!sync) return { status: 202, body: new Uint8Array(0) };
  // The answer carries the certificate of the first round that includes the outcome.
  const done = executed.then(() => ctx.state.certified(request.requestId));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ctx.syncCallTimeoutMs);
  });
  const finished = await Promise.race([done.then(() => 'done' as const), timeout]);
  clearTimeout(timer);
  if (finished === 'timeout') return { status: 202, body: new Uint8Array(0) };
  const certificate = await ctx.state.certify([[utf8('request_status'), request.requestId]]);
  return { status: 200, body: encodeCbor({ status: 'replied', certificate }) };
}

/** Runs ingress message inspection; returns the answer to send when the message is refused. */
function inspectRefusal(
  ctx: HandlerContext,
  request: CanisterRequest,
  sync: boolean,
): Answer | undefined {
  // The management canister applies its own ingress rules (controllers, ingress-callable methods).
  if (request.canisterId.length === 0) return undefined;
  const canister = Principal.fromUint8Array(request.canisterId);
  const result = ctx.replica.inspectMessage(
    canister,
    request.methodName,
    request.arg,
    Principal.fromUint8Array(request.sender),
  );
  if (result.accepted) return undefined;
  const { code, message, errorCode } = result.reason;
  // The spec's v2 body has no `status`; v3/v4 mark it as a non-replicated rejection.
  const rejection = { reject_code: code, reject_message: message, error_code: errorCode ?? '' };
  return {
    status: 200,
    body: encodeCbor(sync ? { status: 'non_replicated_rejection', ...rejection } : rejection),
  };
}

function submit(ctx: HandlerContext, request: CanisterRequest): Promise<void> {
  const pending = ctx.inFlight;
  const key = toHex(request.requestId);
  const running = pending.get(key);
  if (running !== undefined) return running;
  if (ctx.state.status(request.requestId) !== undefined) return Promise.resolve();
  // Answered before (perhaps before a restart, or long enough ago to be evicted from memory):
  // the stored answer stands, and the call is not executed again.
  const kept = ctx.replica.runtime.ingressRecord(request.requestId);
  if (kept !== undefined) {
    ctx.state.setStatus(request.requestId, kept.sender, kept.expiryNs, statusOf(kept.outcome));
    return Promise.resolve();
  }
  const record = (status: RequestStatus): void =>
    ctx.state.setStatus(request.requestId, request.sender, request.ingressExpiry, status);
  record({ status: 'processing' });
  const done = execute(ctx, request)
    .then(record)
    .finally(() => pending.delete(key));
  pending.set(key, done);
  return done;
}

async function execute(ctx: HandlerContext, request: CanisterRequest): Promise<RequestStatus> {
  // The management canister (the empty principal) is served by the replica itself.
  if (request.canisterId.length > 0 && !ctx.state.hasCanister(request.canisterId))
    return canisterNotFound(request.canisterId);
  const canister = Principal.fromUint8Array(request.canisterId);
  const sender = Principal.fromUint8Array(request.sender);
  try {
    // The expiry in replica time (ahead of the interface's when time was advanced), so the
    // replica keeps the answer, and refuses a resend, for as long as the agent may resend.
    const ahead = ctx.replica.timeNs() - ctx.nowNs();
    const expiryNs = request.ingressExpiry + (ahead > 0n ? ahead : 0n);
    const outcome = await ctx.replica.update(canister, request.methodName, request.arg, sender, {
      requestId: request.requestId,
      expiryNs,
    });
    return statusOf(outcome);
  } catch (err) {
    return statusOf({ reject: Rejects.replicaFailed('call', (err as Error).message) });
  }
}

/** `POST /api/v2|v3/canister/<id>/query`: runs the query and signs the response. */
export async function handleQuery(
  ctx: HandlerContext,
  effectiveId: Principal,
  body: Uint8Array,
): Promise<Answer> {
  const request = decodeEnvelope(body, 'query', ctx.nowNs());
  checkArgSize(ctx, request);
  checkEffectiveId(request, effectiveId);
  const response = await runQuery(ctx, request);
  const signature = signQueryResponse(ctx.nodeKey, response, request.requestId, ctx.nowNs());
  return { status: 200, body: encodeCbor({ ...response, signatures: [signature] }) };
}

async function runQuery(ctx: HandlerContext, request: CanisterRequest): Promise<QueryResponse> {
  let status: RequestStatus;
  if (request.canisterId.length > 0 && !ctx.state.hasCanister(request.canisterId)) {
    status = canisterNotFound(request.canisterId);
  } else {
    const canister = Principal.fromUint8Array(request.canisterId);
    try {
      // The query may read a data certificate: the signed tree must hold its certified data.
      await ctx.state.current();
      const outcome = await ctx.replica.query(
        canister,
        request.methodName,
        request.arg,
        Principal.fromUint8Array(request.sender),
      );
      if ('reply' in outcome) return { status: 'replied', reply: { arg: outcome.reply } };
      const { code, message, errorCode } = outcome.reject;
      status = {
        status: 'rejected',
        rejectCode: code,
        rejectMessage: message,
        ...(errorCode !== undefined && { errorCode }),
      };
    } catch (err) {
      status = statusOf({ reject: Rejects.replicaFailed('query', (err as Error).message) });
    }
  }
  if (status.status !== 'rejected') throw new HttpProblem(500, 'unexpected query status');
  return {
    status: 'rejected',
    reject_code: status.rejectCode,
    reject_message: status.rejectMessage,
    error_code: status.errorCode ?? '',
  };
}

/**
 * `POST /api/v2|v3/canister/<id>/read_state` (with `canisterId`) and
 * `/api/v3/subnet/<id>/read_state`. A delegation's targets must allow the effective canister
 * and every canister whose `canister/<id>/…` paths are read.
 */
export async function handleReadState(
  ctx: HandlerContext,
  body: Uint8Array,
  canisterId?: Principal,
): Promise<Answer> {
  const request = decodeEnvelope(body, 'read_state', ctx.nowNs());
  if (canisterId !== undefined) checkTargets(request.targets, canisterId.toUint8Array());
  const requestStatus = utf8('request_status');
  const canisterLabel = utf8('canister');
  for (const path of request.paths) {
    const [first, id] = path;
    if (first !== undefined && id !== undefined && bytesEqual(first, canisterLabel))
      checkTargets(request.targets, id);
    if (first === undefined || id === undefined || !bytesEqual(first, requestStatus)) continue;
    const known = ctx.state.status(id);
    if (known !== undefined && !bytesEqual(known.sender, request.sender)) {
      throw new HttpProblem(403, 'The request status of another sender cannot be read');
    }
  }
  return { status: 200, body: encodeCbor({ certificate: await ctx.state.certify(request.paths) }) };
}

/**
 * The IC's effective canister id rule: the id in the URL must be the called canister, or for a
 * call to the management canister, the canister its argument names (any id for canister
 * creation).
 */
function checkEffectiveId(request: CanisterRequest, effectiveId: Principal): void {
  const target = request.canisterId;
  if (bytesEqual(target, MANAGEMENT_CANISTER)) {
    const named = managementTarget(request.methodName, request.arg);
    // Unknown methods and undecodable arguments are the management canister's to reject.
    if (
      named.kind !== 'canister' ||
      bytesEqual(named.id.toUint8Array(), effectiveId.toUint8Array())
    )
      return;
    throw new HttpProblem(
      400,
      `Effective canister id in URL ${effectiveId.toText()} does not match the canister_id ${named.id.toText()} of the management canister call ${request.methodName}`,
    );
  }
  if (!bytesEqual(target, effectiveId.toUint8Array())) {
    throw new HttpProblem(
      400,
      `Specified CanisterId ${Principal.fromUint8Array(target).toText()} does not match effective canister id in URL ${effectiveId.toText()}`,
    );
  }
}

/** The request status of an answer (`processing` while there is none). */
export function statusOf(outcome: Outcome | undefined): RequestStatus {
  if (outcome === undefined) return { status: 'processing' };
  if ('reply' in outcome) return { status: 'replied', reply: outcome.reply };
  const { code, message, errorCode } = outcome.reject;
  return {
    status: 'rejected',
    rejectCode: code,
    rejectMessage: message,
    ...(errorCode !== undefined && { errorCode }),
  };
}

function canisterNotFound(id: Uint8Array): RequestStatus {
  return statusOf({ reject: Rejects.canisterNotFound(Principal.fromUint8Array(id).toText()) });
}

/** ICP refuses an ingress argument over the limit (2 MiB) at the boundary, before induction. */
function checkArgSize(ctx: HandlerContext, request: CanisterRequest): void {
  const max = ctx.replica.runtime.callLimits.maxIngressPayloadBytes;
  if (request.arg.length > max)
    throw new HttpProblem(
      413,
      `Ingress argument of ${request.arg.length} bytes exceeds the limit of ${max} bytes`,
    );
}
