/**
 * Certified HTTP responses for the HTTP gateway protocol, written out in plain TypeScript:
 * response verification v2 with "response-only" certification (the request is not
 * certified; status, body and the listed headers are), and v1 (`http_assets`, the body's
 * SHA-256 per path). A canister keeps one tree of all its certified responses, sets its root
 * hash as certified data in an update, and in `http_request` answers with the stored
 * response plus an `IC-Certificate` header built from `dataCertificate()`.
 */
import { sha256 } from '@noble/hashes/sha256';
import {
  base64,
  buildTree,
  concat,
  encodeTextArray,
  encodeTree,
  rootHash,
  text,
  type HashTree,
} from './hash-tree.js';

/** A response as `http_request` returns it (without the gateway's optional fields). */
export interface CertifiableResponse {
  readonly status_code: number;
  readonly headers: Array<[string, string]>;
  readonly body: Uint8Array;
}

/** v2 expression: the request is not certified; the status, body and these headers are. */
export function responseOnlyExpression(certifiedHeaders: readonly string[]): string {
  const list = certifiedHeaders.map((h) => JSON.stringify(h.toLowerCase())).join(',');
  return `default_certification(ValidationArgs{certification:Certification{no_request_certification:Empty{},response_certification:ResponseCertification{certified_response_headers:ResponseHeaderList{headers:[${list}]}}}})`;
}

/** v2 expression: the method, these query parameters and request headers, and the body are certified too. */
export function requestExpression(
  queryParameters: readonly string[],
  requestHeaders: readonly string[],
  certifiedHeaders: readonly string[],
): string {
  const list = (values: readonly string[]): string =>
    values.map((v) => JSON.stringify(v)).join(',');
  return (
    `default_certification(ValidationArgs{certification:Certification{request_certification:RequestCertification{certified_request_headers:[${list(requestHeaders.map((h) => h.toLowerCase()))}],` +
    `certified_query_parameters:[${list(queryParameters)}]},response_certification:ResponseCertification{certified_response_headers:ResponseHeaderList{headers:[${list(certifiedHeaders.map((h) => h.toLowerCase()))}]}}}})`
  );
}

/** A request as far as v2 request certification sees it. */
export interface CertifiableRequest {
  readonly method: string;
  /** The URL's query string without `?`, or undefined when the URL has none. */
  readonly query: string | undefined;
  readonly headers: Array<[string, string]>;
  readonly body: Uint8Array;
}

/**
 * ICP's request hash: the certified request headers, `:ic-cert-method`, and `:ic-cert-query`
 * (the query's `name=value` fragments whose name is certified, joined by `&`, when the URL has
 * a query), hashed as a map; then with the body's hash.
 */
export function requestHash(
  request: CertifiableRequest,
  queryParameters: readonly string[],
  requestHeaders: readonly string[],
): Uint8Array {
  const names = new Set(requestHeaders.map((h) => h.toLowerCase()));
  const entries: Array<[string, string | number]> = request.headers
    .filter(([name]) => names.has(name.toLowerCase()))
    .map(([name, value]) => [name.toLowerCase(), value]);
  entries.push([':ic-cert-method', request.method]);
  if (request.query !== undefined) {
    const params = new Set(queryParameters.map((q) => q.toLowerCase()));
    const kept = request.query
      .split('&')
      .filter((fragment) => params.has((fragment.split('=')[0] ?? '').toLowerCase()));
    entries.push([':ic-cert-query', kept.join('&')]);
  }
  return sha256(concat([mapHash(entries), sha256(request.body)]));
}

/** The v2 expression path of an exact URL path: `http_expr`, its segments, `<$>`. */
export function exprPath(path: string): string[] {
  return ['http_expr', ...path.slice(1).split('/'), '<$>'];
}

/** The v2 expression path that matches every URL path without a more specific one (a fallback). */
export const FALLBACK_EXPR_PATH: readonly string[] = ['http_expr', '<*>'];

/**
 * A response certified with {@link responseOnlyExpression} (or, with `request`, with
 * {@link requestExpression} for that request): the `IC-CertificateExpression` header is added,
 * and its entry for the certification tree is returned with it.
 */
export function certifyV2(
  path: readonly string[],
  response: CertifiableResponse,
  certifiedHeaders: readonly string[],
  request?: {
    readonly request: CertifiableRequest;
    readonly queryParameters: readonly string[];
    readonly requestHeaders: readonly string[];
  },
): { response: CertifiableResponse; entry: [Uint8Array[], Uint8Array] } {
  const expression =
    request === undefined
      ? responseOnlyExpression(certifiedHeaders)
      : requestExpression(request.queryParameters, request.requestHeaders, certifiedHeaders);
  const headers: Array<[string, string]> = [
    ...response.headers,
    ['IC-CertificateExpression', expression],
  ];
  const certified = new Set([
    ...certifiedHeaders.map((h) => h.toLowerCase()),
    'ic-certificateexpression',
  ]);
  const hashed: Array<[string, string | number]> = headers
    .filter(([name]) => certified.has(name.toLowerCase()))
    .map(([name, value]) => [name.toLowerCase(), value]);
  hashed.push([':ic-cert-status', response.status_code]);
  const responseHash = sha256(concat([mapHash(hashed), sha256(response.body)]));
  const segments = path.map(text);
  return {
    response: { ...response, headers },
    entry: [
      [
        ...segments,
        sha256(text(expression)),
        request === undefined
          ? new Uint8Array(0)
          : requestHash(request.request, request.queryParameters, request.requestHeaders),
        responseHash,
      ],
      new Uint8Array(0),
    ],
  };
}

/** The v1 entry of an asset: `http_assets` / path → SHA-256 of the body. */
export function assetEntry(path: string, body: Uint8Array): [Uint8Array[], Uint8Array] {
  return [[text('http_assets'), text(path)], sha256(body)];
}

/** The tree of a canister's certified entries, and the root hash to certify. */
export function certificationTree(entries: ReadonlyArray<[Uint8Array[], Uint8Array]>): {
  tree: HashTree;
  root: Uint8Array;
} {
  const tree = buildTree(entries);
  return { tree, root: rootHash(tree) };
}

/**
 * The `IC-Certificate` header: the data certificate, the tree (its root is the certified
 * data) and, for v2, the expression path.
 */
export function certificateHeader(
  certificate: Uint8Array,
  tree: HashTree,
  v2Path?: readonly string[],
): [string, string] {
  const fields = [`certificate=:${base64(certificate)}:`, `tree=:${base64(encodeTree(tree))}:`];
  if (v2Path !== undefined)
    fields.push(`expr_path=:${base64(encodeTextArray(v2Path))}:`, 'version=2');
  return ['IC-Certificate', fields.join(', ')];
}

/** ICP's representation-independent hash of a header map (text and number values). */
function mapHash(entries: ReadonlyArray<[string, string | number]>): Uint8Array {
  const pairs = entries.map(([key, value]) =>
    concat([sha256(text(key)), sha256(typeof value === 'number' ? leb128(value) : text(value))]),
  );
  pairs.sort(compareBytes);
  return sha256(concat(pairs));
}

function leb128(value: number): Uint8Array {
  const out: number[] = [];
  let n = value;
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Uint8Array.from(out);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}
