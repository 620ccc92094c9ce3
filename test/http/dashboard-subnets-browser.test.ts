/**
 * The dashboard of a replica of two subnets, in headless Chromium: it lists the subnets and the
 * state of the streams between them, every subnet's canisters with their subnet, and every
 * subnet's call trees; a canister and a tree of subnet 1 open from the lists. Also the HTTP
 * gateway serving a canister of subnet 1 at `<id>.localhost` and `?canisterId=`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { Actor, HttpAgent } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import { dashboardHandler } from '@tincan/dashboard';
import { startHttpServer, type HttpServer } from '@tincan/http';
import { createTestSubnets, type TestSubnets } from '@tincan/testing';
import { certifiedHost, hostRequest, type GatewayOverHttp } from './gateway-harness.js';
import { WALL_CLOCK } from './harness.js';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

let t: TestSubnets;
let server: HttpServer;
let browser: Browser | undefined;
let a: Principal;
let b: Principal;
let site: Principal;

interface Peer {
  relayAdd(peer: Principal, n: bigint): Promise<bigint>;
}

beforeAll(async () => {
  t = await createTestSubnets({ clock: WALL_CLOCK, traces: true });
  a = (await t.subnets.deploy(0, 'test/fixtures/xnet-peer.ts')).id;
  b = (await t.subnets.deploy(1, 'test/fixtures/xnet-peer.ts')).id;
  // The certified site's id in subnet 1's range: the gateway must route and verify there.
  site = (await t.subnets.deploy(1, 'test/fixtures/http-certified.ts')).id;
  server = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    replica: t.subnets.root,
    subnets: t.subnets,
    requestHandler: dashboardHandler(t.subnets.root, { subnets: t.subnets }),
  });
  // A call from subnet 0 to subnet 1 through the streams, so both subnets have traces.
  const agent = await HttpAgent.create({ host: server.url, shouldFetchRootKey: true });
  const peer = Actor.createActor<Peer>(
    ({ IDL: I }) => I.Service({ relayAdd: I.Func([I.Principal, I.Nat], [I.Nat], []) }),
    { agent, canisterId: a },
  );
  expect(await peer.relayAdd(b, 5n)).toBe(5n);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.dispose();
});

describe('the dashboard and gateway of a two-subnet replica', { timeout: 180_000 }, () => {
  it('serves every subnet through the JSON API', async () => {
    const get = async (path: string): Promise<{ status: number; body: unknown }> => {
      const res = await fetch(`${server.url}/_/api/${path}`);
      return { status: res.status, body: await res.json() };
    };
    const canisters = (await get('canisters')).body as Array<{ id: string; subnet: number }>;
    expect(canisters.map((c) => [c.id, c.subnet]).sort()).toEqual(
      [
        [a.toText(), 0],
        [b.toText(), 1],
        [site.toText(), 1],
      ].sort(),
    );
    const subnets = (await get('subnets')).body as {
      subnets: Array<{ index: number; id: string; canisters: number }>;
      streams: { refusedSlices: number };
    };
    expect(subnets.subnets.map((s) => [s.index, s.id, s.canisters])).toEqual(
      t.subnets.subnets.map((s) => [s.index, s.id.toText(), s.index === 0 ? 1 : 2]),
    );
    expect(subnets.streams.refusedSlices).toBe(0);
    // b's call trees are in subnet 1's traces; its logs and state come from subnet 1.
    const trees = (await get(`trees?canister=${b.toText()}`)).body as Array<{
      tree: string;
      subnet: number;
      root: { canister: string; method: string };
    }>;
    expect(trees.length).toBeGreaterThan(0);
    expect(trees.every((tree) => tree.subnet === 1 && tree.root.canister === b.toText())).toBe(
      true,
    );
    expect((await get(`canisters/${b.toText()}/logs`)).status).toBe(200);
    expect((await get(`canisters/${b.toText()}/memory`)).status).toBe(200);
    const bad = await get(`trees/${trees[0]?.tree ?? ''}?subnet=7`);
    expect(bad.status).toBe(400);
  });

  it('lists subnets, canisters of both subnets and their trees in the page', async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-background-networking'],
    });
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`${server.url}/_/`);
    await page.locator('table#subnets tr.subnet').first().waitFor();
    expect(await page.locator('table#subnets tr.subnet').count()).toBe(2);
    expect(await page.locator('#streams').textContent()).toContain('0 slices refused');
    const subnetCell = (id: Principal): Promise<string | null> =>
      page.locator(`tr.canister[data-id="${id.toText()}"] td.subnet`).textContent();
    expect(await subnetCell(a)).toBe('0');
    expect(await subnetCell(b)).toBe('1');

    // A tree of subnet 1 (b's add, inducted from the stream) opens from the tree list.
    await page.goto(`${server.url}/_/#/trees`);
    const onOne = page.locator('tr.tree[data-subnet="1"]');
    await onOne.first().waitFor();
    await onOne.first().locator('a').click();
    await page.locator('table#tree tr.exec').first().waitFor();
    expect(await page.locator('table#tree').textContent()).toContain('.add');
    expect(page.url()).toContain('?subnet=1');

    // b's canister page reads b from subnet 1.
    await page.goto(`${server.url}/_/#/canister/${b.toText()}`);
    await page.locator('#canister-id').waitFor();
    expect(await page.locator('#canister-id').textContent()).toBe(b.toText());
    await page.locator('#logs').waitFor();
    expect(await page.locator('p.trapped').count()).toBe(0);
  });

  it('the HTTP gateway serves a canister of subnet 1, verified against its delegation, by host and by ?canisterId=', async () => {
    // hostRequest reads only the port of what it is given.
    const g = { port: Number(new URL(server.url).port) } as GatewayOverHttp;
    const byHost = await hostRequest(g, certifiedHost(g, site), '/v2');
    expect(byHost.status).toBe(200);
    expect(byHost.text).toBe('certified v2');
    expect(byHost.headers['ic-certificate']).toBeDefined();
    const byQuery = await fetch(`${server.url}/v2?canisterId=${site.toText()}`);
    expect(byQuery.status).toBe(200);
    expect(await byQuery.text()).toBe('certified v2');
    // A response that does not match its certificate is still refused on subnet 1.
    const tampered = await fetch(`${server.url}/tampered-body?canisterId=${site.toText()}`);
    expect(tampered.status).toBe(503);
  });
});
