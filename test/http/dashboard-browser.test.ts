/**
 * The dashboard in headless Chromium: `tincan start`'s HTTP server (the IC interface plus the
 * dashboard at /_/) over a replica with traces. The page lists canisters, calls a method
 * through its Candid UI form (via @dfinity/agent over the IC HTTP interface), and shows the
 * call tree of a two-canister flow that traps after an await. Set DASHBOARD_SCREENSHOTS to a
 * directory to keep the screenshots (the README's come from here).
 */
import os from 'node:os';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Principal } from '@dfinity/principal';
import { dashboardHandler } from '@tincan/dashboard';
import { startHttpServer, type HttpServer } from '@tincan/http';
import { createTestReplica, type TestReplica } from '@tincan/testing';
import { WALL_CLOCK } from './harness.js';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SHOTS =
  process.env['DASHBOARD_SCREENSHOTS'] ?? path.join(os.tmpdir(), 'tincan-dashboard-shots');

let t: TestReplica | undefined;
let server: HttpServer | undefined;
let browser: Browser | undefined;
afterEach(async () => {
  await browser?.close();
  await server?.close();
  await t?.dispose();
  browser = undefined;
  server = undefined;
  t = undefined;
});

async function serve(): Promise<{ url: string; shop: Principal; bank: Principal }> {
  t = await createTestReplica({ clock: WALL_CLOCK, traces: true });
  const bank = (await t.replica.deploy('test/fixtures/trace-bank.ts')).id;
  const shop = (await t.replica.deploy('test/fixtures/trace-shop.ts')).id;
  server = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    replica: t.replica,
    requestHandler: dashboardHandler(t.replica),
  });
  return { url: server.url, shop, bank };
}

async function openPage(url: string): Promise<Page> {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking'],
  });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(url);
  return page;
}

async function fillBuy(page: Page, bank: Principal, item: string, amount: string): Promise<void> {
  const form = page.locator('form.method[data-method="buy"]');
  await form.locator('input[name="buy.0"]').fill(bank.toText());
  await form.locator('input[name="buy.1.item"]').fill(item);
  await form.locator('input[name="buy.1.amount"]').fill(amount);
  await form.locator('button[type=submit]').click();
}

describe('the dashboard in headless Chromium', () => {
  it('answers GET / with a redirect to the dashboard', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/_/');
    const api = await fetch(`${url}/_/api/trees?outcome=nonsense`);
    expect(api.status).toBe(400);
    expect(await fetch(`${url}/_/api/executions/999999`).then((r) => r.status)).toBe(404);
    expect(await fetch(`${url}/_/api/canisters/not-a-principal/logs`).then((r) => r.status)).toBe(
      400,
    );
    expect(await fetch(`${url}/_/`, { method: 'POST' }).then((r) => r.status)).toBe(405);
    // Without the dashboard, `/` still answers: with a pointer to the IC endpoints, not a 404.
    const plain = await startHttpServer({ port: 0, host: '127.0.0.1', replica: t!.replica });
    try {
      const res = await fetch(`${plain.url}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('/api/v2');
    } finally {
      await plain.close();
    }
  }, 60_000);

  it('lists canisters, calls a method through the Candid UI, and shows the call tree with the rollback', async () => {
    const { url, shop, bank } = await serve();
    const page = await openPage(`${url}/`);
    // The redirect lands on the dashboard, whose first view lists the canisters.
    await expect
      .poll(() => page.locator('#canisters tr.canister').count(), { timeout: 30_000 })
      .toBe(2);
    expect(await page.locator('#canisters').textContent()).toContain(shop.toText());

    await page.click(`a[href="#/canister/${shop.toText()}"]`);
    await page.locator('form.method[data-method="buy"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('form.method').count()).toBe(3);

    // A call that commits: the answer is printed as Candid.
    await fillBuy(page, bank, 'tea', '5');
    const result = page.locator('form.method[data-method="buy"] .result');
    await expect
      .poll(() => result.textContent(), { timeout: 30_000 })
      .toMatch(/✓ \(variant \{ ok = 5 : nat \}\)/);
    // A query through its form.
    await page.locator('form.method[data-method="summary"] button[type=submit]').click();
    await expect
      .poll(() => page.locator('form.method[data-method="summary"] .result').textContent(), {
        timeout: 30_000,
      })
      .toContain('"tea"');

    // A call that traps after its await: the error is shown, and its call tree is linked.
    await fillBuy(page, bank, 'car', '500');
    await expect
      .poll(() => result.textContent(), { timeout: 30_000 })
      .toContain('over budget: 500');
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-candid-ui.png'), fullPage: true });
    await result.locator('a.tree-link').click();

    const rows = page.locator('#tree tr.exec');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(4);
    expect(
      await rows.evaluateAll((trs: { getAttribute(name: string): string | null }[]) =>
        trs.map((tr) => tr.getAttribute('data-outcome')),
      ),
    ).toEqual(['committed', 'committed', 'trapped', 'committed']);
    expect(await rows.nth(0).textContent()).toContain('update');
    expect(await rows.nth(1).textContent()).toContain('deposit');
    expect(await rows.nth(2).textContent()).toContain('trapped: over budget: 500 (rolled back)');
    expect(await rows.nth(3).textContent()).toContain('cleanup');

    // A click shows the execution's argument and answer, decoded with the canisters' Candid.
    await rows.nth(1).click();
    expect(await page.locator('#detail-arg').textContent()).toBe('(500 : nat)');
    await rows.nth(0).click();
    expect(await page.locator('#detail-arg').textContent()).toContain('item = "car"');
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-call-tree.png'), fullPage: true });

    // The tree list, filtered to trees with a trap, holds exactly this one.
    await page.goto(`${url}/_/#/trees?outcome=trapped`);
    await expect.poll(() => page.locator('#trees tr.tree').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('#trees').textContent()).toContain('1 trapped');
  }, 180_000);
});
