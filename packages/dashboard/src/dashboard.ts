/**
 * The dashboard's HTTP handler, mounted by `tincan start` in front of the IC's HTTP interface:
 * `GET /` redirects to `/_/`, `/_/` is the page, `/_/app.js` its script (bundled at build
 * time), `/_/api/…` the JSON it reads, and `POST /_/api/replica/…` the replica controls.
 * Anything else is left to the HTTP interface.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Replica, Subnets } from '@tincan/replica';
import { answerApi } from './api.js';
import type { ApiAnswer } from './api-answer.js';
import { replicaInfo, runControl } from './controls.js';
import { isIdentityName, type IdentitySource } from './identities.js';
import { PageToken, refuseNonLocal } from './local-only.js';
import { CSS, pageHtml } from './page.js';
import { answerSubnetsApi } from './subnets-api.js';

/** Handles a request if it is the dashboard's; returns false to leave it to the next handler. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** What the dashboard needs besides the replica. */
export interface DashboardOptions {
  /** The state directory (`tincan start --state-dir`): checkpoints and forks are written under it. */
  readonly stateDir?: string;
  /** The identities the Candid UI may call as (the CLI's); without it, calls are anonymous. */
  readonly identities?: IdentitySource;
  /**
   * A replica of several subnets (`replica` is subnet 0, whose controls the page shows): the
   * page lists every subnet's canisters and traces, and the streams between them.
   */
  readonly subnets?: Subnets;
}

/** Largest JSON body of a control. */
const MAX_CONTROL_BODY = 4096;

/** Headers of the page: it may not be framed, nor reached from a window it did not open. */
const PAGE_HEADERS = {
  'content-security-policy': "frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/** The dashboard for `replica`, as a request handler. */
export function dashboardHandler(replica: Replica, options: DashboardOptions = {}): RequestHandler {
  const token = new PageToken();
  let script: string | undefined;
  const loadScript = (): string => {
    if (script === undefined) {
      try {
        script = readFileSync(
          createRequire(import.meta.url).resolve('@tincan/dashboard/ui/app.js'),
          'utf8',
        );
      } catch {
        return `document.getElementById('app').textContent = 'The dashboard UI is not built: run npm run build.';`;
      }
    }
    return script;
  };
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path !== '/' && path !== '/_' && !path.startsWith('/_/')) return false;
    if (path.startsWith('/_/api/')) {
      serveApi(replica, options, token, req, path.slice('/_/api/'.length), url.searchParams).then(
        (answer) => sendJson(res, answer.status, answer.body),
        (err: unknown) => sendJson(res, 500, { error: (err as Error)?.message ?? String(err) }),
      );
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain; charset=utf-8', `Use GET for ${path}`);
      return true;
    }
    if (path === '/' || path === '/_') {
      res.writeHead(302, { location: '/_/', 'content-type': 'text/plain; charset=utf-8' });
      res.end('The tincan dashboard is at /_/\n');
      return true;
    }
    if (path === '/_/')
      send(res, 200, 'text/html; charset=utf-8', pageHtml(token.forNavigation(req)), PAGE_HEADERS);
    else if (path === '/_/app.js') send(res, 200, 'text/javascript; charset=utf-8', loadScript());
    else if (path === '/_/app.css') send(res, 200, 'text/css; charset=utf-8', CSS);
    else send(res, 404, 'text/plain; charset=utf-8', `No such dashboard page: ${path}`);
    return true;
  };
}

async function serveApi(
  replica: Replica,
  options: DashboardOptions,
  token: PageToken,
  req: IncomingMessage,
  sub: string,
  params: URLSearchParams,
): Promise<ApiAnswer> {
  const control = /^replica\/([a-z-]+)$/.exec(sub);
  if (control !== null) {
    if (req.method !== 'POST')
      return { status: 405, body: { error: `Use POST for /_/api/${sub}` } };
    const refused = refuseNonLocal(req);
    if (refused !== undefined) return { status: 403, body: { error: refused } };
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json')
      return {
        status: 415,
        body: {
          error: 'send the control as JSON (content-type: application/json), for example {}',
        },
      };
    const body = await readJson(req);
    if (typeof body === 'string')
      return { status: body.startsWith('the body is over') ? 413 : 400, body: { error: body } };
    return runControl(replica, control[1] ?? '', body, { stateDir: options.stateDir });
  }
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return { status: 405, body: { error: `Use GET for /_/api/${sub}` } };
  if (sub === 'replica') return replicaInfo(replica, { stateDir: options.stateDir });
  if (sub === 'identities' || sub.startsWith('identities/'))
    return identities(options.identities, token, req, sub);
  if (options.subnets !== undefined) return answerSubnetsApi(options.subnets, sub, params);
  if (sub === 'subnets') return { status: 200, body: null };
  return answerApi(replica, sub, params);
}

async function identities(
  source: IdentitySource | undefined,
  token: PageToken,
  req: IncomingMessage,
  sub: string,
): Promise<ApiAnswer> {
  const refused = refuseNonLocal(req);
  if (refused !== undefined) return { status: 403, body: { error: refused } };
  if (sub === 'identities') {
    if (source === undefined) return { status: 200, body: { identities: [], current: null } };
    return { status: 200, body: { identities: await source.list(), current: source.current() } };
  }
  const match = /^identities\/([^/]+)\/key$/.exec(sub);
  if (match === null) return { status: 404, body: { error: `no such endpoint: /_/api/${sub}` } };
  if (!token.carriedBy(req))
    return {
      status: 403,
      body: {
        error:
          'an identity key is given only to the dashboard page opened in this browser tab (its page token is missing or wrong)',
      },
    };
  const name = match[1] ?? '';
  if (!isIdentityName(name))
    return {
      status: 400,
      body: { error: `${JSON.stringify(name.slice(0, 80))} is not an identity name` },
    };
  if (source === undefined)
    return { status: 404, body: { error: 'this replica was started without the CLI identities' } };
  const names = (await source.list()).map((i) => i.name);
  if (!names.includes(name)) return { status: 404, body: { error: `no identity named ${name}` } };
  const key = await source.key(name);
  return {
    status: 200,
    body: { name, curve: key.curve, secretKey: Buffer.from(key.secretKey).toString('hex') },
  };
}

/** The JSON object of a control's body, or why it is not one. */
async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_CONTROL_BODY) return `the body is over ${MAX_CONTROL_BODY} bytes`;
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return 'the body is not JSON';
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : 'the body must be a JSON object';
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', JSON.stringify(body));
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, {
    'content-type': type,
    'content-length': bytes.length,
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(bytes);
}
