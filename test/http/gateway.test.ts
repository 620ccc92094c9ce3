import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import {
  certifiedHost,
  hostRequest,
  rawHost,
  startGateway,
  stopGateway,
  type GatewayOverHttp,
} from './gateway-harness.js';

const ECHO = 'test/fixtures/http-echo.ts';
const COUNTER = 'canisters/counter/src/index.ts';

let g: GatewayOverHttp | undefined;
afterEach(async () => {
  await stopGateway(g);
  g = undefined;
});

interface Echo {
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body: string;
  certificate_version: [] | [number];
  posts: string;
}

async function postCount(gw: GatewayOverHttp, id: Principal): Promise<bigint> {
  const outcome = await gw.t.replica.query(id, 'postCount', new Uint8Array(IDL.encode([], [])));
  if (!('reply' in outcome)) throw new Error(outcome.reject.message);
  return IDL.decode([IDL.Nat], outcome.reply)[0] as bigint;
}

describe('HTTP gateway, raw host', () => {
  it('passes path, query, headers and body to http_request intact (curl)', async () => {
    g = await startGateway([ECHO]);
    const id = g.ids[0] as Principal;
    const { stdout } = await promisify(execFile)('curl', [
      '-s',
      '-H',
      'X-Custom: one two',
      '--data-binary',
      'payload bytes',
      '-X',
      'PUT',
      `http://${id.toText()}.raw.localhost:${g.port}/any/path?x=1&y=%20z`,
    ]);
    const echo = JSON.parse(stdout) as Echo;
    expect(echo.method).toBe('PUT');
    expect(echo.url).toBe('/any/path?x=1&y=%20z');
    expect(echo.body).toBe('payload bytes');
    expect(echo.headers).toContainEqual(['x-custom', 'one two']);
    expect(echo.headers).toContainEqual(['host', `${id.toText()}.raw.localhost:${g.port}`]);
    expect(echo.certificate_version).toEqual([2]);
  });

  it('upgrades a POST to http_request_update and commits its state change', async () => {
    g = await startGateway([ECHO]);
    const id = g.ids[0] as Principal;
    const res = await hostRequest(g, rawHost(g, id), '/items?a=b', {
      method: 'POST',
      body: '{"x":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(201);
    expect(JSON.parse(res.text)).toEqual({
      method: 'POST',
      url: '/items?a=b',
      body: '{"x":1}',
      posts: '1',
    });
    expect(res.headers['x-echo']).toBe('yes');
    expect(await postCount(g, id)).toBe(1n);
    // The committed change is what the next query sees.
    const after = JSON.parse((await hostRequest(g, rawHost(g, id), '/')).text) as Echo;
    expect(after.posts).toBe('1');
  });

  it('follows streaming callbacks until the body is complete, and refuses another canister as callback', async () => {
    g = await startGateway([ECHO]);
    const id = g.ids[0] as Principal;
    const res = await hostRequest(g, rawHost(g, id), '/stream');
    expect(res.status).toBe(200);
    expect(res.text).toBe('zeroth,first,second,third');
    expect(res.headers['content-length']).toBe(String(res.body.length));
    const elsewhere = await hostRequest(g, rawHost(g, id), '/stream-elsewhere');
    expect(elsewhere.status).toBe(502);
    expect(elsewhere.text).toMatch(/is not a method of canister/);
  });

  it('passes the status code through', async () => {
    g = await startGateway([ECHO]);
    const res = await hostRequest(g, rawHost(g, g.ids[0] as Principal), '/status');
    expect(res.status).toBe(418);
    expect(res.text).toBe("I'm a teapot");
  });

  it('answers a trap with a 5xx carrying the reject text, and keeps serving', async () => {
    g = await startGateway([ECHO]);
    const id = g.ids[0] as Principal;
    const trapped = await hostRequest(g, rawHost(g, id), '/trap');
    expect(trapped.status).toBe(502);
    expect(trapped.text).toMatch(/reject code 5, IC0503: .*the http_request handler gave up/);
    const updateTrap = await hostRequest(g, rawHost(g, id), '/trap-update', { method: 'POST' });
    expect(updateTrap.status).toBe(502);
    expect(updateTrap.text).toMatch(
      /http_request_update: reject code 5.*the update handler gave up/,
    );
    expect(await postCount(g, id)).toBe(0n);
    expect((await hostRequest(g, rawHost(g, id), '/')).status).toBe(200);
  });

  it('gives clear 4xx pages: no http_request, no such canister, a bad id, a body over the limit', async () => {
    g = await startGateway([ECHO, COUNTER], { gateway: { maxRequestBodyBytes: 1024 } });
    const counter = g.ids[1] as Principal;
    const none = await hostRequest(g, rawHost(g, counter), '/');
    expect(none.status).toBe(404);
    expect(none.text).toMatch(/does not serve HTTP: it has no http_request query method/);
    const missing = await hostRequest(
      g,
      `${Principal.fromUint8Array(Uint8Array.of(0, 0, 0, 0, 0, 0, 0x30, 0, 1, 1)).toText()}.raw.localhost`,
      '/',
    );
    expect(missing.status).toBe(404);
    expect(missing.text).toMatch(/not found/);
    const bad = await hostRequest(g, 'not-a-canister.raw.localhost', '/');
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/Invalid canister id/);
    const big = await hostRequest(g, rawHost(g, g.ids[0] as Principal), '/', {
      method: 'POST',
      body: 'x'.repeat(2048),
    });
    expect(big.status).toBe(413);
    // The IC's own endpoints are unaffected.
    expect((await fetch(`${g.server.url}/api/v2/status`)).status).toBe(200);
  });
});

describe('HTTP gateway, verified host', () => {
  it('refuses an uncertified response, as ICP gateways do', async () => {
    g = await startGateway([ECHO]);
    const id = g.ids[0] as Principal;
    const res = await hostRequest(g, certifiedHost(g, id), '/');
    expect(res.status).toBe(503);
    expect(res.text).toMatch(/Response verification failed/);
    const viaParam = await fetch(`${g.server.url}/?canisterId=${id.toText()}`);
    expect(viaParam.status).toBe(503);
  });

  it('passes upgraded responses (certified by consensus) without a certificate', async () => {
    g = await startGateway([ECHO]);
    const id = g.ids[0] as Principal;
    const res = await hostRequest(g, certifiedHost(g, id), '/x', { method: 'POST', body: 'b' });
    expect(res.status).toBe(201);
    expect(await postCount(g, id)).toBe(1n);
  });
});
