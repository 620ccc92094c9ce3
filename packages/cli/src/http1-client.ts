/**
 * A small HTTP/1.1 client over node:net, for `nodeFetch`: one request at a time on a
 * connection, idle keep-alive connections reused per host, response bodies framed by
 * content-length, chunked or by the end of the connection. node:http's client does the same,
 * but in a fresh CLI process loading it and running its request path cold costs about 8 ms of
 * CPU, a fifth of what a `canister call` spends beyond starting Node.
 */
import net from 'node:net';

/** One request. */
export interface Http1Request {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** A whole response. */
export interface Http1Response {
  readonly status: number;
  readonly statusText: string;
  /** Header names and values in turn, as received. */
  readonly rawHeaders: readonly string[];
  readonly body: Uint8Array;
}

interface Parked {
  readonly socket: net.Socket;
  readonly drop: () => void;
}

// Idle connections per host:port. They are unreferenced, so they never keep the process alive.
const idle = new Map<string, Parked[]>();

/** A reused connection the server had closed before this request: the request is sent again. */
class StaleConnection extends Error {}

/** Sends `request` and reads the whole response; rejects with the socket's error (its `code`, e.g. ECONNREFUSED). */
export async function http1Request(request: Http1Request): Promise<Http1Response> {
  request.signal?.throwIfAborted();
  const host = request.url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(request.url.port || 80);
  const key = `${host}:${port}`;
  const reused = take(key);
  if (reused !== undefined) {
    try {
      return await exchange(reused, key, request, true);
    } catch (err) {
      if (!(err instanceof StaleConnection)) throw err;
    }
  }
  const socket = net.connect({ host, port });
  socket.setNoDelay(true);
  return exchange(socket, key, request, false);
}

function exchange(
  socket: net.Socket,
  key: string,
  request: Http1Request,
  reused: boolean,
): Promise<Http1Response> {
  return new Promise((resolve, reject) => {
    let buffer: Buffer = Buffer.alloc(0);
    let head: Head | undefined;
    let received = false;
    let settled = false;
    const finish = (error: unknown, response?: Http1Response, keepAlive = false): void => {
      if (settled) return;
      settled = true;
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      request.signal?.removeEventListener('abort', onAbort);
      if (response === undefined) {
        socket.destroy();
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- as fetch does: an abort rejects with the signal's reason, whatever it is
        reject(error);
        return;
      }
      if (keepAlive) park(socket, key);
      else socket.destroy();
      resolve(response);
    };
    const onData = (chunk: Buffer): void => {
      received = true;
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      try {
        for (;;) {
          if (head === undefined) {
            const end = buffer.indexOf('\r\n\r\n');
            if (end < 0) return;
            const parsed = parseHead(buffer.subarray(0, end).toString('latin1'));
            buffer = buffer.subarray(end + 4);
            // 1xx answers (other than a protocol switch, never asked for) precede the real one.
            if (parsed.status >= 100 && parsed.status < 200) continue;
            head = parsed;
          }
          const body = readBody(head, buffer, request.method);
          if (body === undefined) return;
          finish(
            undefined,
            {
              status: head.status,
              statusText: head.statusText,
              rawHeaders: head.rawHeaders,
              body: body.bytes,
            },
            body.rest === 0 && head.keepAlive && head.framed,
          );
          return;
        }
      } catch (err) {
        finish(err);
      }
    };
    const onError = (err: Error): void =>
      finish(reused && !received ? new StaleConnection(err.message) : err);
    const onClose = (): void => {
      if (head !== undefined && !head.framed) {
        finish(undefined, {
          status: head.status,
          statusText: head.statusText,
          rawHeaders: head.rawHeaders,
          body: new Uint8Array(buffer),
        });
        return;
      }
      finish(
        reused && !received
          ? new StaleConnection('closed')
          : Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      );
    };
    const onAbort = (): void => finish(request.signal?.reason ?? new Error('aborted'));
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    request.signal?.addEventListener('abort', onAbort, { once: true });
    socket.ref();
    const lines = [
      `${request.method} ${request.url.pathname}${request.url.search} HTTP/1.1`,
      `Host: ${request.url.host}`,
    ];
    for (const [name, value] of Object.entries(request.headers))
      if (name.toLowerCase() !== 'content-length' && name.toLowerCase() !== 'host')
        lines.push(`${name}: ${value}`);
    if (request.body !== undefined || request.method !== 'GET')
      lines.push(`Content-Length: ${request.body?.byteLength ?? 0}`);
    const bytes = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
    socket.write(request.body === undefined ? bytes : Buffer.concat([bytes, request.body]));
  });
}

function park(socket: net.Socket, key: string): void {
  const list = idle.get(key) ?? [];
  idle.set(key, list);
  // A parked connection that the server closes (or writes to) is dropped.
  const drop = (): void => {
    const at = list.findIndex((p) => p.socket === socket);
    if (at >= 0) list.splice(at, 1);
    socket.destroy();
  };
  list.push({ socket, drop });
  socket.unref();
  socket.once('close', drop).once('error', drop).once('data', drop);
}

function take(key: string): net.Socket | undefined {
  const parked = idle.get(key)?.pop();
  if (parked === undefined) return undefined;
  parked.socket.off('close', parked.drop).off('error', parked.drop).off('data', parked.drop);
  return parked.socket;
}

interface Head {
  readonly status: number;
  readonly statusText: string;
  readonly rawHeaders: string[];
  /** `content-length` or chunked framing, when the body does not run to the end of the connection. */
  readonly framed: boolean;
  readonly chunked: boolean;
  readonly length: number | undefined;
  readonly keepAlive: boolean;
}

function parseHead(text: string): Head {
  const [statusLine = '', ...lines] = text.split('\r\n');
  const match = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(statusLine);
  if (match === null)
    throw new Error(`not an HTTP/1.x response: ${JSON.stringify(statusLine.slice(0, 80))}`);
  const rawHeaders: string[] = [];
  let length: number | undefined;
  let chunked = false;
  let close = match[1] === '0';
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0)
      throw new Error(`malformed HTTP header line: ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    rawHeaders.push(name, value);
    const lower = name.toLowerCase();
    if (lower === 'content-length') {
      if (!/^\d+$/.test(value)) throw new Error(`bad content-length ${JSON.stringify(value)}`);
      length = Number(value);
    } else if (lower === 'transfer-encoding') chunked = /(^|,)\s*chunked\s*$/i.test(value);
    else if (lower === 'connection')
      close =
        /(^|,)\s*close\s*(,|$)/i.test(value) || (match[1] === '0' && !/keep-alive/i.test(value));
  }
  const status = Number(match[2]);
  const bodiless = status === 204 || status === 304;
  return {
    status,
    statusText: match[3] ?? '',
    rawHeaders,
    framed: bodiless || chunked || length !== undefined,
    chunked: chunked && !bodiless,
    length: bodiless ? 0 : length,
    keepAlive: !close,
  };
}

/** The body once it is complete in `buffer` (undefined while more is to come); `rest` counts bytes past it. */
function readBody(
  head: Head,
  buffer: Buffer,
  method: string,
): { bytes: Uint8Array; rest: number } | undefined {
  if (method === 'HEAD') return { bytes: new Uint8Array(0), rest: buffer.length };
  if (head.chunked) return readChunked(buffer);
  if (head.length !== undefined)
    return buffer.length < head.length
      ? undefined
      : {
          bytes: new Uint8Array(buffer.subarray(0, head.length)),
          rest: buffer.length - head.length,
        };
  return undefined; // runs to the end of the connection
}

function readChunked(buffer: Buffer): { bytes: Uint8Array; rest: number } | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = buffer.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const sizeText = buffer.subarray(at, eol).toString('latin1').split(';')[0]?.trim() ?? '';
    if (!/^[0-9a-fA-F]+$/.test(sizeText))
      throw new Error(`bad chunk size ${JSON.stringify(sizeText.slice(0, 20))}`);
    const size = parseInt(sizeText, 16);
    if (size === 0) {
      // Trailers, if any (ignored), end with an empty line.
      const end =
        buffer.subarray(eol + 2, eol + 4).toString('latin1') === '\r\n'
          ? eol + 4
          : buffer.indexOf('\r\n\r\n', eol + 2) + 4;
      if (end < 4) return undefined;
      return { bytes: new Uint8Array(Buffer.concat(parts)), rest: buffer.length - end };
    }
    if (buffer.length < eol + 2 + size + 2) return undefined;
    parts.push(buffer.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}
