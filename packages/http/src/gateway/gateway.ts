/**
 * The HTTP gateway: plain HTTP requests for a canister become calls of its `http_request`
 * query, as ICP's gateways (ic-gateway, dfx's) make them. An `upgrade = opt true` answer is
 * sent again as an update to `http_request_update`; a `streaming_strategy` callback is
 * queried until the body is complete; on the non-raw host, a query's answer must pass
 * response verification (see verify.ts) or the client gets a 503, as from ICP's gateway.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import type { Replica } from '@tincan/replica';
import type { CertifiedState } from '../state.js';
import {
  decodeHttpResponse,
  decodeStreamingChunk,
  httpInterface,
  HttpRequest,
  HttpUpdateRequest,
  type CanisterHttpResponse,
  type HttpInterface,
} from './http-interface.js';
import { verifyResponse } from './verify.js';
import type { GatewayTarget } from './resolve-target.js';

/** The response version the gateway asks canisters for (the current one). */
export const CERTIFICATE_VERSION = 2;

/** Limits of the gateway. */
export interface GatewayLimits {
  /** Largest request body passed to a canister; default: the replica's ingress limit (2 MiB). */
  readonly maxRequestBodyBytes?: number;
  /** Largest response body assembled from streamed chunks; default 10 MiB. */
  readonly maxResponseBodyBytes?: number;
}

/** What the gateway needs. */
export interface GatewayContext {
  readonly replica: Replica;
  readonly state: CertifiedState;
  readonly nowNs: () => bigint;
  /** DER root key certificates are verified against. */
  readonly rootKey: Uint8Array;
  readonly limits: GatewayLimits;
  /** Parsed interfaces by `.did` text. */
  readonly interfaces: Map<string, HttpInterface>;
  /**
   * On a replica of several subnets: the context of the subnet that hosts a canister (its
   * replica and certified state); this one's otherwise.
   */
  readonly forCanister?: (id: Principal) => GatewayContext;
}

/** A plain HTTP request, as the gateway got it. */
export interface GatewayRequest {
  readonly method: string;
  /** Path and query, as in the request line. */
  readonly url: string;
  readonly headers: Array<[string, string]>;
  readonly body: Uint8Array;
}

/** What the gateway answers the HTTP client. */
export interface GatewayAnswer {
  readonly status: number;
  readonly headers: Array<[string, string]>;
  readonly body: Uint8Array;
}

const DEFAULT_MAX_RESPONSE_BODY = 10 * 1024 * 1024;
const ANONYMOUS = Principal.anonymous();

/** Serves one HTTP request for `target`'s canister. */
export async function serveGateway(
  ctx: GatewayContext,
  target: GatewayTarget,
  request: GatewayRequest,
): Promise<GatewayAnswer> {
  const id = target.canisterId;
  const candid = canisterCandid(ctx.replica, id);
  if (candid === undefined) return page(404, `Canister ${id.toText()} not found`);
  if (candid === '') return page(503, `Canister ${id.toText()} has no code installed`);
  const iface = httpInterface(candid, ctx.interfaces);
  if (iface.request === undefined) {
    return page(
      404,
      `Canister ${id.toText()} does not serve HTTP: it has no http_request query method (see the HTTP gateway protocol)`,
    );
  }
  const maxBody =
    ctx.limits.maxRequestBodyBytes ?? ctx.replica.runtime.callLimits.maxIngressPayloadBytes;
  if (request.body.length > maxBody)
    return page(
      413,
      `Request body of ${request.body.length} bytes exceeds the limit of ${maxBody} bytes`,
    );

  const fields = {
    method: request.method,
    url: request.url,
    headers: request.headers,
    body: request.body,
  };
  // The signed tree must hold the canister's current certified data before it runs, so the
  // data certificate it reads (to build IC-Certificate) is of the state it answers from.
  await ctx.state.current();
  const queried = await ctx.replica.query(
    id,
    'http_request',
    new Uint8Array(
      IDL.encode([HttpRequest], [{ ...fields, certificate_version: [CERTIFICATE_VERSION] }]),
    ),
    ANONYMOUS,
  );
  if ('reject' in queried) return rejectPage(id, 'http_request', queried.reject);
  let response = decode(iface.request, queried.reply);
  if (typeof response === 'string') return page(502, response);

  let upgraded = false;
  if (response.upgrade) {
    const arg = new Uint8Array(IDL.encode([HttpUpdateRequest], [fields]));
    // An upgraded request is an ingress update: the canister's @inspectMessage sees it.
    const inspected = ctx.replica.inspectMessage(id, 'http_request_update', arg, ANONYMOUS);
    if (!inspected.accepted) return rejectPage(id, 'http_request_update', inspected.reason);
    const updated = await ctx.replica.update(id, 'http_request_update', arg, ANONYMOUS);
    if ('reject' in updated) return rejectPage(id, 'http_request_update', updated.reject);
    if (iface.update === undefined)
      return page(
        502,
        `Canister ${id.toText()} asked for an upgrade but declares no http_request_update`,
      );
    response = decode(iface.update, updated.reply);
    if (typeof response === 'string') return page(502, response);
    upgraded = true;
  }

  const body = await streamBody(ctx, id, response);
  if (typeof body === 'string') return page(502, body);
  // Update answers went through consensus; only query answers need a certificate.
  if (!target.raw && !upgraded) {
    const failure = await verifyResponse(
      { ...fields, certificateVersion: CERTIFICATE_VERSION },
      { statusCode: response.statusCode, headers: response.headers, body },
      { canisterId: id, nowNs: ctx.nowNs(), rootKey: ctx.rootKey },
    );
    if (failure !== undefined) return page(503, `Response verification failed: ${failure}`);
  }
  return { status: response.statusCode, headers: response.headers, body };
}

/** The canister's `.did` text; '' without code, undefined when there is no such canister. */
function canisterCandid(replica: Replica, id: Principal): string | undefined {
  const bytes = id.toUint8Array();
  if (!replica.runtime.hasCanister(bytes)) return undefined;
  const record = replica.runtime.record(bytes);
  return record.module.length === 0 ? '' : record.candid;
}

function decode(type: IDL.Type, reply: Uint8Array): CanisterHttpResponse | string {
  try {
    return decodeHttpResponse(type, reply);
  } catch (err) {
    return `The canister's HTTP response could not be decoded: ${(err as Error).message}`;
  }
}

/** The whole body: the response's, then every streamed chunk; or why it cannot be had. */
async function streamBody(
  ctx: GatewayContext,
  id: Principal,
  response: CanisterHttpResponse,
): Promise<Uint8Array | string> {
  let callback = response.streaming;
  if (callback === undefined) return response.body;
  const max = ctx.limits.maxResponseBodyBytes ?? DEFAULT_MAX_RESPONSE_BODY;
  const chunks = [response.body];
  let size = response.body.length;
  while (callback !== undefined) {
    if (callback.canister.compareTo(id) !== 'eq') {
      return `The streaming callback ${callback.canister.toText()}.${callback.method} is not a method of canister ${id.toText()}`;
    }
    const outcome = await ctx.replica.query(
      id,
      callback.method,
      new Uint8Array(IDL.encode([callback.argType], [callback.token])),
      ANONYMOUS,
    );
    if ('reject' in outcome)
      return `The streaming callback ${callback.method} was rejected: ${outcome.reject.message}`;
    let chunk: ReturnType<typeof decodeStreamingChunk>;
    try {
      chunk = decodeStreamingChunk(callback, outcome.reply);
    } catch (err) {
      return `The streaming callback's answer could not be decoded: ${(err as Error).message}`;
    }
    size += chunk.body.length;
    if (size > max) return `The streamed response body exceeds the limit of ${max} bytes`;
    chunks.push(chunk.body);
    callback = chunk.token.length === 0 ? undefined : { ...callback, token: chunk.token[0] };
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}

/** An error page for a reject of `method`: the reject's text, with a status saying whose fault it is. */
function rejectPage(
  id: Principal,
  method: string,
  reject: { code: number; message: string; errorCode?: string },
): GatewayAnswer {
  const text = `Canister ${id.toText()} rejected ${method}: reject code ${reject.code}${reject.errorCode !== undefined ? `, ${reject.errorCode}` : ''}: ${reject.message}`;
  if (reject.errorCode === 'IC0536')
    return page(404, `Canister ${id.toText()} does not serve HTTP: ${reject.message}`);
  if (reject.code === 3) return page(404, text);
  // SYS_FATAL and SYS_TRANSIENT (stopped, frozen, queue full): try later.
  if (reject.code === 1 || reject.code === 2) return page(503, text);
  return page(502, text);
}

function page(status: number, text: string): GatewayAnswer {
  return {
    status,
    headers: [['content-type', 'text/plain; charset=utf-8']],
    body: new TextEncoder().encode(`${text}\n`),
  };
}
