import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFetch } from './node-fetch.js';

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.writeHead(req.url === '/missing' ? 404 : 200, {
        'Content-Type': 'application/cbor',
        'X-Method': req.method ?? '',
        'X-Type': req.headers['content-type'] ?? '',
      });
      res.end(
        req.url === '/missing'
          ? 'no such thing'
          : Buffer.concat([Buffer.from([0xd9, 0xd9, 0xf7]), body]),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('nodeFetch', () => {
  it('sends the method, headers and byte body, and returns status, headers and bytes', async () => {
    const res = await nodeFetch(`${base}/api/v3/canister/x/call`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/cbor' },
      body: new Uint8Array([1, 2, 3]),
    });
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.headers.get('x-method')).toBe('POST');
    expect(res.headers.get('X-Type')).toBe('application/cbor');
    const seen: string[] = [];
    res.headers.forEach((_value, name) => seen.push(name));
    expect(seen).toContain('content-type');
    // A clone reads the same bytes again, each into its own buffer.
    const copy = res.clone();
    expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([0xd9, 0xd9, 0xf7, 1, 2, 3]);
    expect(new Uint8Array(await copy.arrayBuffer()).byteLength).toBe(6);
  });

  it('returns error statuses with their text rather than throwing', async () => {
    const res = await nodeFetch(new URL('/missing', base));
    expect(res.status).toBe(404);
    expect(res.ok).toBe(false);
    expect(await res.text()).toBe('no such thing');
  });

  it('rejects with the socket error code when nothing listens', async () => {
    await expect(nodeFetch('http://127.0.0.1:9/api/v2/status')).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});
