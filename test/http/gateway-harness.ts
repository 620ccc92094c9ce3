/**
 * Shared setup of the HTTP gateway tests: a wall-clock test replica with canisters deployed,
 * served by `startHttpServer` (whose gateway is on), and plain HTTP requests to
 * `<id>.localhost` / `<id>.raw.localhost` hosts. Node's `fetch` cannot set a Host header nor
 * resolve `*.localhost`, so those go through node:http to 127.0.0.1 with the Host header set.
 */
import { request } from 'node:http';
import type { Principal } from '@dfinity/principal';
import { startHttpServer, type HttpServer, type HttpServerOptions } from '@tincan/http';
import { createTestReplica, type TestReplica } from '@tincan/testing';
import { WALL_CLOCK } from './harness.js';

/** A replica with canisters, served over HTTP with the gateway. */
export interface GatewayOverHttp {
  readonly t: TestReplica;
  readonly server: HttpServer;
  /** Deployed canisters, in the order of the entries given. */
  readonly ids: Principal[];
  readonly port: number;
}

/** Starts a replica, deploys `entries` and serves them. */
export async function startGateway(
  entries: readonly string[],
  server: Omit<HttpServerOptions, 'replica'> = {},
): Promise<GatewayOverHttp> {
  const t = await createTestReplica({ clock: WALL_CLOCK });
  const ids: Principal[] = [];
  for (const entry of entries) ids.push((await t.replica.deploy(entry)).id);
  const s = await startHttpServer({ port: 0, host: '127.0.0.1', ...server, replica: t.replica });
  return { t, server: s, ids, port: Number(new URL(s.url).port) };
}

/** Stops what {@link startGateway} started. */
export async function stopGateway(g: GatewayOverHttp | undefined): Promise<void> {
  await g?.server.close();
  await g?.t.dispose();
}

/** A plain HTTP response. */
export interface PlainResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  readonly text: string;
}

/** Sends a request to the server with `host` as its Host header (`<id>.raw.localhost:<port>`, …). */
export function hostRequest(
  g: GatewayOverHttp,
  host: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: Uint8Array | string } = {},
): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: g.port,
        path,
        method: init.method ?? 'GET',
        headers: { ...init.headers, host },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            text: body.toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** `<id>.raw.localhost:<port>`: responses passed on unverified. */
export function rawHost(g: GatewayOverHttp, id: Principal): string {
  return `${id.toText()}.raw.localhost:${g.port}`;
}

/** `<id>.localhost:<port>`: responses verified. */
export function certifiedHost(g: GatewayOverHttp, id: Principal): string {
  return `${id.toText()}.localhost:${g.port}`;
}
