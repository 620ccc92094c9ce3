/**
 * The gateway on node:http: picks out requests for a canister (by host or `canisterId`),
 * reads them, serves them with {@link serveGateway} and writes the answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpProblem } from '../envelope.js';
import { drainRefused, readBody } from '../body.js';
import { serveGateway, type GatewayAnswer, type GatewayContext } from './gateway.js';
import { resolveGatewayTarget, type GatewayTarget } from './resolve-target.js';

/** Headers that describe one connection or one encoding of the body: never passed on. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
  'content-length',
]);

/**
 * Serves `req` if it is for the gateway and returns true; returns false (and does nothing)
 * when it is for the IC's own endpoints.
 */
export function serveGatewayRequest(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let target: GatewayTarget | undefined;
  try {
    target = resolveGatewayTarget(req.headers.host, url);
  } catch (err) {
    write(res, textAnswer(400, (err as Error).message));
    req.resume();
    return true;
  }
  if (target === undefined) return false;
  const found = target;
  const served = ctx.forCanister?.(found.canisterId) ?? ctx;
  const maxBody =
    served.limits.maxRequestBodyBytes ?? served.replica.runtime.callLimits.maxIngressPayloadBytes;
  readBody(req, maxBody)
    .then((body) =>
      serveGateway(served, found, {
        method: (req.method ?? 'GET').toUpperCase(),
        url: req.url ?? '/',
        headers: requestHeaders(req),
        body,
      }),
    )
    .then(
      (answer) => write(res, answer),
      (err: unknown) => {
        const problem =
          err instanceof HttpProblem
            ? err
            : new HttpProblem(500, `Internal error: ${(err as Error)?.message ?? String(err)}`);
        const unread = !req.complete;
        write(res, textAnswer(problem.status, problem.message), unread);
        if (unread) drainRefused(req);
      },
    );
  return true;
}

/** The request's headers in order, names in lower case (as HTTP/2 and ICP's gateways pass them). */
function requestHeaders(req: IncomingMessage): Array<[string, string]> {
  const raw = req.rawHeaders;
  const headers: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2)
    headers.push([(raw[i] as string).toLowerCase(), raw[i + 1] as string]);
  return headers;
}

function write(res: ServerResponse, answer: GatewayAnswer, close = false): void {
  if (res.headersSent || res.destroyed) return;
  const flat: string[] = [];
  for (const [name, value] of answer.headers)
    if (!HOP_BY_HOP.has(name.toLowerCase())) flat.push(name, value);
  flat.push('content-length', String(answer.body.length));
  if (close) flat.push('connection', 'close');
  try {
    res.writeHead(answer.status, flat);
  } catch (err) {
    // A status or header node:http cannot send (a canister's mistake): say so instead.
    if (answer.status !== 502)
      write(
        res,
        textAnswer(502, `The canister's HTTP response cannot be sent: ${(err as Error).message}`),
        close,
      );
    return;
  }
  res.end(answer.body);
}

function textAnswer(status: number, text: string): GatewayAnswer {
  return {
    status,
    headers: [['content-type', 'text/plain; charset=utf-8']],
    body: new TextEncoder().encode(`${text}\n`),
  };
}
