/**
 * A `fetch` for the agent over HTTP/1.1 on node:net (http1-client.ts), for `http://` replicas.
 * Node's global `fetch` loads undici on first use, which costs about 130 ms of CPU in a fresh
 * process: most of what a `tincan canister call` spent beyond starting Node. The agent needs
 * only a small part of the Fetch API (method, plain-object headers, a byte body; status,
 * headers, bytes or text back), so local calls go through the small client and anything else
 * (https, the IC mainnet) through the global `fetch`.
 */
import { http1Request } from './http1-client.js';

/** The request options the agent passes. */
export interface NodeFetchInit {
  readonly method?: string;
  readonly headers?: Record<string, string> | ReadonlyArray<readonly [string, string]>;
  readonly body?: Uint8Array | ArrayBuffer | string | null;
  readonly signal?: AbortSignal | null;
}

/** The part of the Fetch API's `Headers` the agent reads. */
export class NodeFetchHeaders {
  readonly #entries: Array<[string, string]>;

  /** Headers from a raw list (name, value, name, value, …). */
  constructor(raw: readonly string[]) {
    this.#entries = [];
    for (let i = 0; i + 1 < raw.length; i += 2)
      this.#entries.push([(raw[i] as string).toLowerCase(), raw[i + 1] as string]);
  }

  /** The first value of `name`, or null. */
  get(name: string): string | null {
    const lower = name.toLowerCase();
    return this.#entries.find(([key]) => key === lower)?.[1] ?? null;
  }

  /** Calls `fn(value, name)` for each header, as `Headers.forEach` does. */
  forEach(fn: (value: string, name: string) => void): void {
    for (const [name, value] of this.#entries) fn(value, name);
  }
}

/** The part of the Fetch API's `Response` the agent reads, over a fully read body. */
export class NodeFetchResponse {
  /** @param body the whole response body */
  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    readonly headers: NodeFetchHeaders,
    private readonly body: Uint8Array,
  ) {}

  /** True for a 2xx status. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** The body's bytes (a copy, as each read of a cloned response is independent). */
  arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.body.slice().buffer);
  }

  /** The body as UTF-8 text. */
  text(): Promise<string> {
    return Promise.resolve(new TextDecoder().decode(this.body));
  }

  /** The body parsed as JSON. */
  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  /** The same response; the body is already in memory, so it can be read again. */
  clone(): NodeFetchResponse {
    return new NodeFetchResponse(this.url, this.status, this.statusText, this.headers, this.body);
  }
}

/** Whether `headers` is the list form (`Array.isArray` alone would widen it to `any[]`). */
function isHeaderList(
  headers: NodeFetchInit['headers'],
): headers is ReadonlyArray<readonly [string, string]> {
  return Array.isArray(headers);
}

/** `fetch(url, init)` over HTTP/1.1 with keep-alive; `https:` and other schemes go to the global `fetch`. */
export async function nodeFetch(
  input: string | URL,
  init: NodeFetchInit = {},
): Promise<NodeFetchResponse | Response> {
  const url = new URL(String(input));
  if (url.protocol !== 'http:') return fetch(url, init as RequestInit);
  const headers: Record<string, string> = {};
  for (const [name, value] of isHeaderList(init.headers)
    ? init.headers
    : Object.entries(init.headers ?? {}))
    headers[name] = value;
  const body =
    init.body === undefined || init.body === null
      ? undefined
      : typeof init.body === 'string'
        ? Buffer.from(init.body)
        : new Uint8Array(init.body);
  const response = await http1Request({
    method: init.method ?? 'GET',
    url,
    headers,
    body,
    signal: init.signal ?? undefined,
  });
  return new NodeFetchResponse(
    url.toString(),
    response.status,
    response.statusText,
    new NodeFetchHeaders(response.rawHeaders),
    response.body,
  );
}
