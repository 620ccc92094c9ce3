import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { http1Request } from './http1-client.js';

/** A raw TCP server that answers each request (read up to its blank line and body) with `answer(i)`. */
async function rawServer(
  answer: (request: string, index: number, socket: net.Socket) => string | Buffer | undefined,
): Promise<{ url: URL; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  let index = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(pending.slice(0, end))?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        const request = pending.slice(0, end + 4 + length);
        pending = pending.slice(end + 4 + length);
        const reply = answer(request, index++, socket);
        if (reply !== undefined) socket.write(reply);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/api/v2/status`),
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const servers: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

describe('http1Request', () => {
  it('sends method, path, host, headers and body; reads a content-length body; reuses the connection', async () => {
    const seen: string[] = [];
    const server = await rawServer((request, i) => {
      seen.push(request);
      return `HTTP/1.1 200 OK\r\nContent-Type: application/cbor\r\nContent-Length: 5\r\n\r\nreq-${i}`;
    });
    servers.push(server);
    const first = await http1Request({
      method: 'POST',
      url: new URL('/api/v3/canister/x/call?q=1', server.url),
      headers: { 'Content-Type': 'application/cbor' },
      body: new Uint8Array([1, 2, 3]),
    });
    expect(first.status).toBe(200);
    expect(first.statusText).toBe('OK');
    expect(first.rawHeaders).toEqual(['Content-Type', 'application/cbor', 'Content-Length', '5']);
    expect(text(first.body)).toBe('req-0');
    expect(seen[0]).toBe(
      `POST /api/v3/canister/x/call?q=1 HTTP/1.1\r\nHost: ${server.url.host}\r\nContent-Type: application/cbor\r\nContent-Length: 3\r\n\r\n\x01\x02\x03`,
    );
    const second = await http1Request({ method: 'GET', url: server.url, headers: {} });
    expect(text(second.body)).toBe('req-1');
    expect(seen[1]).toBe(`GET /api/v2/status HTTP/1.1\r\nHost: ${server.url.host}\r\n\r\n`);
    expect(server.connections()).toBe(1);
  });

  it('reads chunked bodies split across packets, with trailers, and skips a 100 Continue', async () => {
    const server = await rawServer((_request, _i, socket) => {
      socket.write(
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel',
      );
      setTimeout(() => socket.write('lo\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: y\r\n\r\n'), 20);
      return undefined;
    });
    servers.push(server);
    const response = await http1Request({ method: 'GET', url: server.url, headers: {} });
    expect(response.status).toBe(200);
    expect(text(response.body)).toBe('hello world');
  });

  it('reads a body that runs to the end of the connection, and opens a new connection next time', async () => {
    const server = await rawServer((_request, _i, socket) => {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\nbusy, try later');
      return undefined;
    });
    servers.push(server);
    const response = await http1Request({ method: 'GET', url: server.url, headers: {} });
    expect([response.status, response.statusText, text(response.body)]).toEqual([
      503,
      'Service Unavailable',
      'busy, try later',
    ]);
    expect(text((await http1Request({ method: 'GET', url: server.url, headers: {} })).body)).toBe(
      'busy, try later',
    );
    expect(server.connections()).toBe(2);
  });

  it('does not reuse an idle connection that the server closed', async () => {
    const server = await rawServer((_request, i, socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n${i}`);
      // The server drops the connection right after answering, without saying so.
      setTimeout(() => socket.destroy(), 10);
      return undefined;
    });
    servers.push(server);
    expect(text((await http1Request({ method: 'GET', url: server.url, headers: {} })).body)).toBe(
      '0',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(text((await http1Request({ method: 'GET', url: server.url, headers: {} })).body)).toBe(
      '1',
    );
    expect(server.connections()).toBe(2);
  });

  it('rejects with the socket error code when nothing listens, and with the reason when aborted', async () => {
    await expect(
      http1Request({ method: 'GET', url: new URL('http://127.0.0.1:9/'), headers: {} }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const server = await rawServer(() => undefined); // never answers
    servers.push(server);
    const controller = new AbortController();
    const pending = http1Request({
      method: 'GET',
      url: server.url,
      headers: {},
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('gave up')), 50);
    await expect(pending).rejects.toThrow('gave up');
  });

  it('rejects a response that is not HTTP/1.x or has a bad length, and one cut short', async () => {
    const bad = await rawServer(() => 'SSH-2.0-OpenSSH\r\n\r\n');
    servers.push(bad);
    await expect(http1Request({ method: 'GET', url: bad.url, headers: {} })).rejects.toThrow(
      /not an HTTP\/1\.x response/,
    );
    const length = await rawServer(() => 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n');
    servers.push(length);
    await expect(http1Request({ method: 'GET', url: length.url, headers: {} })).rejects.toThrow(
      /bad content-length/,
    );
    const short = await rawServer((_request, _i, socket) => {
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
      return undefined;
    });
    servers.push(short);
    await expect(
      http1Request({ method: 'GET', url: short.url, headers: {} }),
    ).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
