/**
 * A guestbook served over HTTP through the HTTP gateway: `GET /` is an HTML page,
 * `GET /api/entries` the entries as JSON, `POST /api/entries` signs the book. Reads are
 * queries answered with certified responses (response verification v2); a POST answers
 * `upgrade = opt true`, so the gateway sends it again as an update to
 * `http_request_update`, which changes state and re-certifies the responses.
 */
import {
  IDL,
  dataCertificate,
  certifiedDataSet,
  init,
  postUpgrade,
  query,
  time,
  update,
} from 'azle';
import {
  FALLBACK_EXPR_PATH,
  certificateHeader,
  certificationTree,
  certifyV2,
  exprPath,
  type CertifiableResponse,
} from './http-certification.js';
import type { HashTree } from './hash-tree.js';
import { HttpRequest, HttpResponse, HttpUpdateRequest } from './http-types.js';
import { PAGE } from './page.js';

/** One signature of the book. */
interface Entry {
  name: string;
  message: string;
  /** Replica time of the signature, in ns, as a decimal string (JSON has no bigint). */
  time: string;
}

const utf8 = new TextEncoder();
const CERTIFIED_HEADERS = ['content-type'];
const MAX_ENTRIES = 1_000;

/** Every certified response (by URL path, '*' for the fallback) and the tree over them. */
interface Certified {
  readonly responses: Map<string, { response: CertifiableResponse; path: readonly string[] }>;
  readonly tree: HashTree;
  readonly root: Uint8Array;
}

function json(status: number, value: unknown): CertifiableResponse {
  return {
    status_code: status,
    headers: [['content-type', 'application/json']],
    body: utf8.encode(JSON.stringify(value)),
  };
}

/** The certified responses for the entries as they are: computed the same in updates and queries. */
function certify(entries: readonly Entry[]): Certified {
  const plain: Array<[string, readonly string[], CertifiableResponse]> = [
    [
      '/',
      exprPath('/'),
      {
        status_code: 200,
        headers: [['content-type', 'text/html; charset=utf-8']],
        body: utf8.encode(PAGE),
      },
    ],
    ['/api/entries', exprPath('/api/entries'), json(200, entries)],
    [
      '*',
      FALLBACK_EXPR_PATH,
      {
        status_code: 404,
        headers: [['content-type', 'text/plain; charset=utf-8']],
        body: utf8.encode('Not found\n'),
      },
    ],
  ];
  const responses = new Map<string, { response: CertifiableResponse; path: readonly string[] }>();
  const treeEntries: Array<[Uint8Array[], Uint8Array]> = [];
  for (const [key, path, response] of plain) {
    const certified = certifyV2(path, response, CERTIFIED_HEADERS);
    responses.set(key, { response: certified.response, path });
    treeEntries.push(certified.entry);
  }
  const { tree, root } = certificationTree(treeEntries);
  return { responses, tree, root };
}

function withHttpFields(response: CertifiableResponse, upgrade: boolean): HttpResponse {
  return { ...response, upgrade: upgrade ? [true] : [], streaming_strategy: [] };
}

export default class {
  entries: Entry[] = [];

  @init
  init(): void {
    certifiedDataSet(certify(this.entries).root);
  }

  @postUpgrade
  postUpgrade(): void {
    certifiedDataSet(certify(this.entries).root);
  }

  @query([HttpRequest], HttpResponse)
  http_request(request: HttpRequest): HttpResponse {
    const path = request.url.split('?')[0] ?? '/';
    if (request.method === 'POST' && path === '/api/entries')
      return withHttpFields(json(200, { upgrade: true }), true);
    const certified = certify(this.entries);
    const found =
      request.method === 'GET' || request.method === 'HEAD'
        ? certified.responses.get(path)
        : undefined;
    // `certify` always certifies the '*' fallback.
    const { response, path: expr } = found ?? certified.responses.get('*')!;
    const certificate = dataCertificate();
    if (certificate === undefined) return withHttpFields(response, false);
    return withHttpFields(
      {
        ...response,
        headers: [...response.headers, certificateHeader(certificate, certified.tree, expr)],
      },
      false,
    );
  }

  @update([HttpUpdateRequest], HttpResponse)
  http_request_update(request: HttpUpdateRequest): HttpResponse {
    const path = request.url.split('?')[0] ?? '/';
    if (request.method !== 'POST' || path !== '/api/entries')
      return withHttpFields(json(404, { error: 'not found' }), false);
    let entry: { name?: unknown; message?: unknown };
    try {
      entry = JSON.parse(new TextDecoder().decode(request.body)) as {
        name?: unknown;
        message?: unknown;
      };
    } catch {
      return withHttpFields(
        json(400, { error: 'the body must be JSON: {"name": "...", "message": "..."}' }),
        false,
      );
    }
    const { name, message } = entry;
    if (
      typeof name !== 'string' ||
      typeof message !== 'string' ||
      name.length === 0 ||
      name.length > 64 ||
      message.length === 0 ||
      message.length > 280
    ) {
      return withHttpFields(
        json(400, { error: 'name (1-64 characters) and message (1-280 characters) are required' }),
        false,
      );
    }
    if (this.entries.length >= MAX_ENTRIES)
      return withHttpFields(json(409, { error: 'the guestbook is full' }), false);
    const signed: Entry = { name, message, time: time().toString() };
    this.entries.push(signed);
    certifiedDataSet(certify(this.entries).root);
    return withHttpFields(json(201, signed), false);
  }

  @query([], IDL.Nat32)
  count(): number {
    return this.entries.length;
  }
}
