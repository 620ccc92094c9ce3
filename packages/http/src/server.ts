/**
 * `startHttpServer`: the IC's HTTPS interface on node:http over an in-process replica, enough
 * for an unmodified `@dfinity/agent` with default verification (root key fetched from
 * `/api/v2/status`, certificates checked against it, query responses checked against the node
 * key certified under `/subnet`).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Principal } from '@dfinity/principal';
import { encodeCbor, generateRootKey, type RootKey } from '@tincan/certification';
import type { Replica, Subnets } from '@tincan/replica';
import { drainRefused, readBody } from './body.js';
import { creationSubnet } from './creation-route.js';
import { HttpProblem } from './envelope.js';
import {
  handleCall,
  handleQuery,
  handleReadState,
  statusOf,
  type Answer,
  type HandlerContext,
} from './handlers.js';
import { KEY_FILE_NAME, loadOrCreateKeys } from './key-file.js';
import { generateNodeKey } from './node-key.js';
import { CertifiedState, MAX_STATUSES, type CertifiedStateOptions } from './state.js';
import { serveGatewayRequest, type GatewayContext, type GatewayLimits } from './gateway/index.js';

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  readonly replica: Replica;
  /** Port to listen on; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Interface to listen on; defaults to 127.0.0.1. */
  readonly host?: string;
  /** The root key certificates are signed with; by default the one in `stateDir`, else a random one. */
  readonly rootKey?: RootKey;
  /**
   * Directory to keep the root key and node key in (file `http-keys.json`, created on first
   * start): a replica restarted on the same directory keeps its root key. Usually the
   * replica's state directory. Without it (and without `keyFile`) the keys are random per start.
   */
  readonly stateDir?: string;
  /** The key file itself, instead of `stateDir`'s. */
  readonly keyFile?: string;
  /**
   * Clock for certified time, expiry checks and query signatures, in ns; by default the
   * replica's `interfaceTimeNs()` (replica time, but the host's on a wall clock moved ahead).
   */
  readonly nowNs?: () => bigint;
  /** How long a v3/v4 call waits for its outcome before answering 202; default 10 s. */
  readonly syncCallTimeoutMs?: number;
  /** Largest request body accepted, in bytes; default 4 MiB (larger gets 413). */
  readonly maxBodyBytes?: number;
  /**
   * The HTTP gateway (requests whose host is `<canister-id>.localhost` or
   * `<canister-id>.raw.localhost`, or with `?canisterId=`): on by default; `false` turns it
   * off, an object sets its limits.
   */
  readonly gateway?: boolean | GatewayLimits;
  /**
   * Under load, how long after a certification round the next one may wait for the last
   * one's callers to come back, in ms; default 25 (see ARCHITECTURE.md, Certification).
   */
  readonly roundFillWaitMs?: number;
  /**
   * Sees every request the HTTP gateway does not take (the dashboard of `tincan start`) and
   * returns true when it answered; the IC's endpoints get the rest.
   */
  readonly requestHandler?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /**
   * A replica of several subnets (`replica` must be its subnet 0): each subnet gets its own
   * certified state, signed with its key and carrying its delegation, and requests go to the
   * subnet whose range holds the effective canister id (or, for `/api/v3/subnet/<id>`, that
   * subnet). The root key is subnet 0's key.
   */
  readonly subnets?: Subnets;
}

/** A running HTTP server. */
export interface HttpServer {
  /** Base URL, e.g. `http://127.0.0.1:4943`; pass it as the agent's `host`. */
  readonly url: string;
  /** The DER-encoded root key served by `/api/v2/status`. */
  readonly rootKey: Uint8Array;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

const IC_API_VERSION = '0.18.0';
const IMPL_VERSION = 'tincan-0.1.0';
const DEFAULT_MAX_BODY = 4 * 1024 * 1024;

const CANISTER_ROUTE = /^\/api\/(v2|v3|v4)\/canister\/([^/]+)\/(call|query|read_state)$/;
const SUBNET_ROUTE = /^\/api\/(v2|v3)\/subnet\/([^/]+)\/read_state$/;

/** Starts serving the HTTP interface of `replica`. */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const keyFile =
    options.keyFile ??
    (options.stateDir === undefined ? undefined : path.join(options.stateDir, KEY_FILE_NAME));
  const stored = keyFile === undefined ? undefined : loadOrCreateKeys(keyFile);
  const rootKey =
    options.subnets?.subnets[0]?.key ??
    options.rootKey ??
    stored?.rootKey ??
    generateRootKey(new Uint8Array(randomBytes(32)));
  const nodeKey = stored?.nodeKey ?? generateNodeKey();
  const replica = options.replica;
  const nowNs = options.nowNs ?? (() => replica.interfaceTimeNs());
  const served = (
    options.subnets?.subnets ?? [
      { replica, key: rootKey, ranges: undefined, delegation: undefined, id: undefined },
    ]
  ).map((subnet) =>
    serveSubnet(
      options,
      subnet.replica,
      rootKey,
      nodeKey,
      nowNs,
      subnet.ranges === undefined
        ? undefined
        : { key: subnet.key, ranges: subnet.ranges, delegation: subnet.delegation },
    ),
  );
  const { ctx, state } = served[0] as ServedSubnet;
  /** The subnet a request goes to: the one whose range holds `id`, or whose id it is; else subnet 0. */
  const contextFor = (id: Principal, subnetRoute: boolean): HandlerContext => {
    const subnets = options.subnets;
    if (subnets === undefined) return ctx;
    const index = subnetRoute
      ? subnets.subnets.findIndex((s) => s.id.toText() === id.toText())
      : subnets.subnetOf(id);
    return served[index ?? 0]?.ctx ?? ctx;
  };
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const gateway: GatewayContext | undefined =
    options.gateway === false
      ? undefined
      : {
          replica,
          state,
          nowNs,
          rootKey: rootKey.derPublicKey,
          limits: options.gateway === true ? {} : (options.gateway ?? {}),
          interfaces: new Map(),
          ...(options.subnets !== undefined && {
            forCanister: gatewayRouter(options.subnets, served, () => gateway),
          }),
        };
  const status = encodeCbor({
    ic_api_version: IC_API_VERSION,
    impl_version: IMPL_VERSION,
    root_key: rootKey.derPublicKey,
    replica_health_status: 'healthy',
  });

  const route = async (req: IncomingMessage): Promise<Answer> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/' && req.method === 'GET') {
      return {
        status: 200,
        body: new TextEncoder().encode(
          'tincan replica: the IC HTTP interface is under /api/v2, /api/v3 and /api/v4\n',
        ),
        text: true,
      };
    }
    if (url.pathname === '/api/v2/status') {
      if (req.method !== 'GET') throw new HttpProblem(405, 'Use GET for /api/v2/status');
      return { status: 200, body: status };
    }
    const canister = CANISTER_ROUTE.exec(url.pathname);
    const subnet = SUBNET_ROUTE.exec(url.pathname);
    const [version, id, endpoint] =
      canister !== null
        ? canister.slice(1)
        : subnet !== null
          ? [subnet[1], subnet[2], 'read_state']
          : [];
    if (version === undefined || id === undefined || endpoint === undefined)
      throw new HttpProblem(404, `No such endpoint: ${url.pathname}`);
    if (endpoint !== 'call' && version === 'v4')
      throw new HttpProblem(404, `No such endpoint: ${url.pathname}`);
    if (subnet !== null && version !== 'v3')
      throw new HttpProblem(404, `No such endpoint: ${url.pathname}`);
    if (req.method !== 'POST') throw new HttpProblem(405, `Use POST for ${url.pathname}`);
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/cbor') {
      throw new HttpProblem(
        400,
        `Unexpected content-type: expected application/cbor, got ${JSON.stringify(req.headers['content-type'] ?? '')}`,
      );
    }
    const effectiveId = parsePrincipal(id);
    const body = await readBody(req, maxBody);
    // A creation whose effective id no subnet hosts goes to its `specified_id`'s subnet.
    const subnets = options.subnets;
    const creationTo =
      subnets !== undefined && endpoint === 'call' && subnets.subnetOf(effectiveId) === undefined
        ? creationSubnet(body, subnets)
        : undefined;
    const target =
      creationTo === undefined
        ? contextFor(effectiveId, subnet !== null)
        : (served[creationTo]?.ctx ?? ctx);
    if (endpoint === 'call') return handleCall(target, effectiveId, body, version !== 'v2');
    if (endpoint === 'query') return handleQuery(target, effectiveId, body);
    return handleReadState(target, body, canister !== null ? effectiveId : undefined);
  };

  const server = createServer((req, res) => {
    if (gateway !== undefined && serveGatewayRequest(gateway, req, res)) return;
    if (options.requestHandler?.(req, res) === true) return;
    route(req).then(
      (answer) => send(res, answer),
      (err: unknown) => {
        const problem =
          err instanceof HttpProblem
            ? err
            : new HttpProblem(500, `Internal error: ${(err as Error)?.message ?? String(err)}`);
        // A request refused before its body was read: the answer goes out now, then the rest
        // of the body is drained (see body.ts).
        const unread = !req.complete;
        // Node closes a `Connection: close` request's socket as soon as the answer is out,
        // while the client still writes; kept open, the client closes it once it has read.
        if (unread) res.shouldKeepAlive = true;
        send(res, {
          status: problem.status,
          body: new TextEncoder().encode(problem.message),
          text: true,
        });
        if (unread) drainRefused(req);
      },
    );
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    rootKey: rootKey.derPublicKey,
    close: () => {
      for (const subnet of served) {
        if (subnet.ctx.replica.runtime.dataCertificateSource === subnet.dataCertificates)
          subnet.ctx.replica.runtime.setDataCertificateSource(undefined);
      }
      return Promise.all([
        ...served.map((subnet) => subnet.state.close()),
        new Promise<void>((resolve, reject) => {
          server.close((err) => (err === undefined ? resolve() : reject(err)));
          server.closeAllConnections();
        }),
      ]).then(() => undefined);
    },
  };
}

/** The gateway context of the subnet hosting a canister (subnet 0's for ids no subnet hosts). */
function gatewayRouter(
  subnets: Subnets,
  served: readonly ServedSubnet[],
  root: () => GatewayContext | undefined,
): (id: Principal) => GatewayContext {
  const contexts = new Map<number, GatewayContext>();
  return (id) => {
    const base = root() as GatewayContext;
    const index = subnets.subnetOf(id) ?? 0;
    const subnet = served[index];
    if (index === 0 || subnet === undefined) return base;
    let ctx = contexts.get(index);
    if (ctx === undefined) {
      const { forCanister: _, ...rest } = base;
      ctx = { ...rest, replica: subnet.ctx.replica, state: subnet.state };
      contexts.set(index, ctx);
    }
    return ctx;
  };
}

interface ServedSubnet {
  readonly ctx: HandlerContext;
  readonly state: CertifiedState;
  readonly dataCertificates: (id: Uint8Array) => Uint8Array | undefined;
}

/** The certified state and handler context of one subnet's replica. */
function serveSubnet(
  options: HttpServerOptions,
  replica: Replica,
  rootKey: RootKey,
  nodeKey: ReturnType<typeof generateNodeKey>,
  nowNs: () => bigint,
  subnet: CertifiedStateOptions['subnet'],
): ServedSubnet {
  const state = new CertifiedState({
    replica,
    rootKey,
    nodeKey,
    nowNs,
    ...(options.roundFillWaitMs !== undefined && { fillWaitMs: options.roundFillWaitMs }),
    ...(subnet !== undefined && { subnet }),
  });
  // Answers kept in the store (from before a restart, say) are served by read_state as before:
  // the newest ones, as many as the certified tree holds.
  for (const record of replica.runtime.ingressRecords().slice(-MAX_STATUSES))
    state.setStatus(record.requestId, record.sender, record.expiryNs, statusOf(record.outcome));
  // Non-replicated queries read their data certificate from the last signed tree.
  const dataCertificates = (id: Uint8Array): Uint8Array | undefined => state.dataCertificate(id);
  replica.runtime.setDataCertificateSource(dataCertificates);
  const ctx: HandlerContext = {
    replica,
    state,
    nodeKey,
    nowNs,
    syncCallTimeoutMs: options.syncCallTimeoutMs ?? 10_000,
    inFlight: new Map(),
  };
  return { ctx, state, dataCertificates };
}

function parsePrincipal(text: string): Principal {
  try {
    return Principal.fromText(decodeURIComponent(text));
  } catch {
    throw new HttpProblem(400, `Invalid principal in URL: ${text}`);
  }
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(answer.status, {
    'content-type': answer.text === true ? 'text/plain; charset=utf-8' : 'application/cbor',
    'content-length': answer.body.length,
  });
  res.end(answer.body);
}
