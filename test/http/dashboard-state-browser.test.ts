/**
 * The dashboard's state browser, identities and replica controls in headless Chromium, on
 * `tincan start`'s stack: the IC HTTP interface plus the dashboard, over a replica on the
 * (advanceable) wall clock, with the CLI's identities from a temp `$TINCAN_HOME`. The page
 * pages through a heap Map and a stable map, calls through the Candid UI as chosen CLI
 * identities (Ed25519 and secp256k1) and sees each caller's principal in the reply, advances
 * time until a timer fires, ticks, and writes a checkpoint and a fork that a new replica opens.
 * Hostile requests to the API get 400s, and the controls and keys refuse what is not the local
 * page. Set DASHBOARD_SCREENSHOTS to a directory to keep the screenshots.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { IdentityStore, cliIdentitySource } from '@tincan/cli';
import { dashboardHandler } from '@tincan/dashboard';
import { startHttpServer, type HttpServer } from '@tincan/http';
import { LiveClock, Replica, type CanisterHandle } from '@tincan/replica';
import { createTestReplica, type TestReplica } from '@tincan/testing';
import type DashboardState from '../fixtures/dashboard-state.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SHOTS =
  process.env['DASHBOARD_SCREENSHOTS'] ?? path.join(os.tmpdir(), 'tincan-dashboard-shots');

let t: TestReplica | undefined;
let server: HttpServer | undefined;
let browser: Browser | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await browser?.close();
  await server?.close();
  await t?.dispose();
  browser = undefined;
  server = undefined;
  t = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

interface Served {
  readonly url: string;
  readonly canister: CanisterHandle;
  readonly store: IdentityStore;
  readonly stateDir: string;
}

async function serve(): Promise<Served> {
  t = await createTestReplica({ clock: new LiveClock(), traces: true });
  const canister = await t.replica.deploy('test/fixtures/dashboard-state.ts');
  expect(await t.replica.actor<DashboardState>(canister).fill(45)).toBe(45);
  const store = new IdentityStore(tempDir('tincan-home-'));
  store.create('alice');
  const secp = generateKeyPairSync('ec', { namedCurve: 'secp256k1' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  await store.import('bob', secp);
  const stateDir = tempDir('tincan-state-');
  server = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    replica: t.replica,
    requestHandler: dashboardHandler(t.replica, { stateDir, identities: cliIdentitySource(store) }),
  });
  return { url: server.url, canister, store, stateDir };
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

/** A raw request, so headers a browser or fetch would not let us set (Host) can be sent. */
function raw(
  url: string,
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body = '',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${target}`,
      { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };

describe('the dashboard state browser, identities and controls', () => {
  it('answers hostile API requests with 400s and refuses controls and keys to anything but the local page', async () => {
    const { url, canister } = await serve();
    const id = canister.id.toText();
    const status = async (target: string): Promise<number> =>
      (await raw(url, 'GET', target)).status;
    expect(await status('/_/api/canisters/not-a-principal/heap')).toBe(400);
    expect(await status('/_/api/canisters/%E0%A4%A/heap')).toBe(400);
    expect(await status('/_/api/canisters/aaaaa-aa/heap')).toBe(404);
    expect(await status(`/_/api/canisters/${id}/heap?limit=100000`)).toBe(400);
    expect(await status(`/_/api/canisters/${id}/heap?limit=-1`)).toBe(400);
    expect(await status(`/_/api/canisters/${id}/heap?cursor=zz`)).toBe(400);
    expect(await status(`/_/api/canisters/${id}/heap?object=abc`)).toBe(400);
    expect(await status(`/_/api/canisters/${id}/heap?object=99999`)).toBe(400);
    expect(await status(`/_/api/canisters/${id}/stable/3?cursor=xyz`)).toBe(400);
    expect(await status(`/_/api/canisters/${id}/stable/999`)).toBe(400);
    expect(await status(`/_/api/canisters/${id}/stable/abc`)).toBe(400);
    const bad = await raw(url, 'GET', `/_/api/canisters/${id}/heap?limit=100000`);
    expect(JSON.parse(bad.body)).toEqual({
      error: 'limit must be an integer from 1 to 100, got 100000',
    });

    // Controls: POST with JSON, from the local origin only.
    expect((await raw(url, 'GET', '/_/api/replica/tick')).status).toBe(405);
    expect(
      (await raw(url, 'POST', '/_/api/replica/tick', { 'content-type': 'text/plain' }, '{}'))
        .status,
    ).toBe(415);
    expect(
      (
        await raw(
          url,
          'POST',
          '/_/api/replica/tick',
          { ...JSON_TYPE, origin: 'http://evil.example' },
          '{}',
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await raw(
          url,
          'POST',
          '/_/api/replica/tick',
          { ...JSON_TYPE, host: 'evil.example:4943' },
          '{}',
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await raw(
          url,
          'POST',
          '/_/api/replica/tick',
          { ...JSON_TYPE, 'sec-fetch-site': 'cross-site' },
          '{}',
        )
      ).status,
    ).toBe(403);
    expect(
      (await raw(url, 'POST', '/_/api/replica/advance-time', JSON_TYPE, '{"seconds": -5}')).status,
    ).toBe(400);
    expect((await raw(url, 'POST', '/_/api/replica/advance-time', JSON_TYPE, '[1]')).status).toBe(
      400,
    );
    expect(
      (await raw(url, 'POST', '/_/api/replica/advance-time', JSON_TYPE, 'not json')).status,
    ).toBe(400);
    expect(
      (
        await raw(
          url,
          'POST',
          '/_/api/replica/checkpoint',
          JSON_TYPE,
          JSON.stringify({ name: '../escape' }),
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await raw(
          url,
          'POST',
          '/_/api/replica/checkpoint',
          JSON_TYPE,
          JSON.stringify({ name: 'x'.repeat(5000) }),
        )
      ).status,
    ).toBe(413);
    expect((await raw(url, 'POST', '/_/api/replica/tick', JSON_TYPE, '{}')).status).toBe(200);

    // Identities: names and principals are listed; a key needs the page token.
    const listed = JSON.parse((await raw(url, 'GET', '/_/api/identities')).body) as {
      identities: Array<{ name: string }>;
    };
    expect(listed.identities.map((i) => i.name)).toEqual(['alice', 'bob', 'default']);
    expect(JSON.stringify(listed)).not.toContain('secret');
    expect((await raw(url, 'GET', '/_/api/identities/alice/key')).status).toBe(403);
    expect(
      (await raw(url, 'GET', '/_/api/identities/alice/key', { 'x-tincan-token': 'f'.repeat(64) }))
        .status,
    ).toBe(403);
    // The page fetched by a script (not navigated to) carries no token.
    const fetched = await raw(url, 'GET', '/_/', {
      'sec-fetch-dest': 'empty',
      'sec-fetch-mode': 'cors',
    });
    expect(fetched.body).not.toContain('tincan-token');
    const navigated = await raw(url, 'GET', '/_/', {
      'sec-fetch-dest': 'document',
      'sec-fetch-mode': 'navigate',
    });
    const token = /name="tincan-token" content="([0-9a-f]{64})"/.exec(navigated.body)?.[1];
    expect(token).toBeDefined();
    const key = await raw(url, 'GET', '/_/api/identities/alice/key', {
      'x-tincan-token': token as string,
    });
    expect(key.status).toBe(200);
    expect(JSON.parse(key.body)).toMatchObject({ name: 'alice', curve: 'ed25519' });
    expect(
      (
        await raw(url, 'GET', '/_/api/identities/alice/key', {
          'x-tincan-token': token as string,
          host: 'rebound.example',
        })
      ).status,
    ).toBe(403);
    expect(
      (await raw(url, 'GET', '/_/api/identities/nobody/key', { 'x-tincan-token': token as string }))
        .status,
    ).toBe(404);
    // The replica still serves.
    expect(await t!.replica.actor<DashboardState>(canister).reminded()).toBe(0);
  }, 60_000);

  it('pages through a heap Map and a stable map, and calls through the Candid UI as chosen CLI identities', async () => {
    const { url, canister, store } = await serve();
    const page = await openPage(`${url}/_/#/canister/${canister.id.toText()}`);

    // The memory figure and the instance's fields; a long text is cut.
    await page.locator('#memory').waitFor({ timeout: 30_000 });
    expect(await page.locator('#memory').textContent()).toMatch(
      /^memory: [\d.]+ KiB \(heap [\d.]+ KiB, stable maps [\d.]+ (KiB|B), code [\d.]+ (KiB|MiB)\)$/,
    );
    const heapRows = page.locator('#heap-entries tr.entry');
    await expect.poll(() => heapRows.count(), { timeout: 30_000 }).toBe(6);
    expect(await heapRows.nth(0).textContent()).toBe('count45n');
    expect(await heapRows.nth(1).textContent()).toContain('(702 characters)');

    // Open the Map by its reference and page through its 45 entries.
    await page.locator('#heap-entries a.ref', { hasText: 'Map(45)' }).click();
    const label = page.locator('#heap .page-label');
    await expect.poll(() => label.textContent(), { timeout: 30_000 }).toBe('1–20 of 45');
    expect(await page.locator('#heap-path').textContent()).toContain('this › accounts');
    expect(await heapRows.count()).toBe(20);
    await page.locator('#heap button.next').click();
    await expect.poll(() => label.textContent(), { timeout: 30_000 }).toBe('21–40 of 45');
    expect(await heapRows.nth(0).textContent()).toBe('"key-020"{ owner, balance }');
    await page.locator('#heap button.next').click();
    await expect.poll(() => label.textContent(), { timeout: 30_000 }).toBe('41–45 of 45');
    expect(await page.locator('#heap button.next').isDisabled()).toBe(true);
    await page.locator('#heap button.prev').click();
    await expect.poll(() => label.textContent(), { timeout: 30_000 }).toBe('21–40 of 45');
    // Into one record, then back to the instance by the path.
    await heapRows.nth(0).locator('a.ref').click();
    await expect
      .poll(() => heapRows.allTextContents(), { timeout: 30_000 })
      .toEqual(['owner"key-020"', 'balance200n']);
    await page.locator('#heap-path a', { hasText: 'this' }).click();
    await expect.poll(() => heapRows.count(), { timeout: 30_000 }).toBe(6);

    // The stable map, by key cursor.
    const stableRows = page.locator('#stable-entries tr.entry');
    const stableLabel = page.locator('#stable .page-label');
    expect(await page.locator('#stable-map').textContent()).toBe('memory 3 (45 entries)');
    await expect.poll(() => stableLabel.textContent(), { timeout: 30_000 }).toBe('1–20 of 45');
    expect(await stableRows.nth(0).textContent()).toMatch(/^"key-000"0n\d+ B$/);
    await page.locator('#stable button.next').click();
    await expect.poll(() => stableLabel.textContent(), { timeout: 30_000 }).toBe('21–40 of 45');
    await page.locator('#stable button.next').click();
    await expect.poll(() => stableLabel.textContent(), { timeout: 30_000 }).toBe('41–45 of 45');
    expect(await stableRows.nth(4).textContent()).toMatch(/^"key-044"44000n\d+ B$/);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-state.png'), fullPage: true });

    // The Candid UI as each identity: the reply is the caller's principal.
    const principals = Object.fromEntries(
      await Promise.all(
        ['alice', 'bob'].map(
          async (n) => [n, (await store.load(n)).getPrincipal().toText()] as const,
        ),
      ),
    );
    const whoami = page.locator('form.method[data-method="whoami"]');
    const result = whoami.locator('.result');
    for (const [name, principal] of [
      ['alice', principals['alice']],
      ['bob', principals['bob']],
      ['anonymous', '2vxsx-fae'],
    ] as const) {
      await page.selectOption('#identity', name);
      expect(await page.locator('#caller-principal').textContent()).toBe(principal);
      await whoami.locator('button[type=submit]').click();
      await expect
        .poll(() => result.textContent(), { timeout: 30_000 })
        .toContain(`✓ (principal "${principal}")`);
    }
    // After an update from the Candid UI the state shown is read again.
    const fill = page.locator('form.method[data-method="fill"]');
    await fill.locator('input[name="fill.0"]').fill('5');
    await fill.locator('button[type=submit]').click();
    await expect
      .poll(() => fill.locator('.result').textContent(), { timeout: 30_000 })
      .toContain('✓ (45 : nat32)');
    await expect.poll(() => heapRows.nth(0).textContent(), { timeout: 30_000 }).toBe('count50n');
    expect(await heapRows.nth(3).textContent()).toBe('historyArray(50)');
    // The call tree agrees on who called.
    const trees = (await t!.replica.traces!.list({ method: 'whoami' })).map((e) => e.caller);
    expect(trees).toEqual(['2vxsx-fae', principals['bob'], principals['alice']]);
  }, 180_000);

  it('advances time until a timer fires, ticks, and writes a checkpoint and a fork that another replica opens', async () => {
    const { url, canister, stateDir } = await serve();
    const page = await openPage(`${url}/_/#/canister/${canister.id.toText()}`);
    // Set a timer for an hour from now through the Candid UI.
    const remind = page.locator('form.method[data-method="remindIn"]');
    await remind.locator('input[name="remindIn.0"]').fill('3600');
    await remind.locator('button[type=submit]').click();
    await expect
      .poll(() => remind.locator('.result').textContent(), { timeout: 30_000 })
      .toContain('✓ (0 : nat32)');

    await page.click('#nav-replica');
    await page.locator('#advance').waitFor({ timeout: 30_000 });
    // Half way: the timer is not due yet.
    await page.fill('#advance-seconds', '1800');
    await page.click('#advance');
    await expect
      .poll(() => page.locator('#control-result').textContent(), { timeout: 30_000 })
      .toContain('✓ time is now');
    expect(await t!.replica.actor<DashboardState>(canister).reminded()).toBe(0);
    await page.fill('#advance-seconds', '1800');
    await page.click('#advance');
    await expect
      .poll(() => page.locator('#replica-time').textContent(), { timeout: 30_000 })
      .toMatch(/wall clock, 3,6\d\d s ahead/);
    // The timer fired: the canister's log and its heap field say so on its page.
    await page.goto(`${url}/_/#/canister/${canister.id.toText()}`);
    await expect
      .poll(() => page.locator('#logs').textContent(), { timeout: 30_000 })
      .toContain('reminder 1 fired');
    await expect
      .poll(() => page.locator('#heap-entries tr.entry').nth(5).textContent(), { timeout: 30_000 })
      .toBe('reminders1');
    // Calls still go through after the jump: the HTTP interface keeps the host's time.
    const reminded = page.locator('form.method[data-method="reminded"]');
    await reminded.locator('button[type=submit]').click();
    await expect
      .poll(() => reminded.locator('.result').textContent(), { timeout: 30_000 })
      .toContain('✓ (1 : nat32)');

    await page.click('#nav-replica');
    await page.locator('#tick').waitFor({ timeout: 30_000 });
    await page.click('#tick');
    await expect
      .poll(() => page.locator('#control-result').textContent(), { timeout: 30_000 })
      .toMatch(/✓ one round ran \d+ execution\(s\)/);
    await page.fill('#checkpoint-name', 'after-reminder');
    await page.click('#checkpoint');
    await expect
      .poll(() => page.locator('#control-result').textContent(), { timeout: 30_000 })
      .toContain('fromCheckpoint');
    expect(existsSync(path.join(stateDir, 'checkpoints', 'after-reminder.sqlite'))).toBe(true);
    await page.fill('#fork-name', 'experiment');
    await page.click('#fork');
    const forkDir = path.join(stateDir, 'forks', 'experiment');
    await expect
      .poll(() => page.locator('#control-result').textContent(), { timeout: 30_000 })
      .toContain(`tincan start --state-dir "${forkDir}"`);
    expect(await page.locator('#made').textContent()).toBe(
      'checkpoints: after-reminderforks: experiment',
    );
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-controls.png'), fullPage: true });
    // A second fork of the same name is refused.
    await page.click('#fork');
    await expect
      .poll(() => page.locator('#control-result').textContent(), { timeout: 30_000 })
      .toContain('exists already');

    // The fork opens as a replica of its own, with the canister and its state.
    const fork = await Replica.create({ stateDir: path.join(forkDir, 'replica') });
    try {
      expect(await fork.actor<DashboardState>(canister.id).reminded()).toBe(1);
      expect(fork.state.stable(canister.id.toUint8Array(), 3).count).toBe(45n);
      expect(await fork.actor<DashboardState>(canister.id).fill(1)).toBe(45);
    } finally {
      await fork.close();
    }
    // And from the checkpoint, as tests start.
    const fromCheckpoint = await Replica.create({
      fromCheckpoint: path.join(stateDir, 'checkpoints', 'after-reminder.sqlite'),
    });
    try {
      expect(await fromCheckpoint.actor<DashboardState>(canister.id).reminded()).toBe(1);
    } finally {
      await fromCheckpoint.close();
    }
    // The original did not see the fork's write.
    expect(t!.replica.state.heap(canister.id.toUint8Array()).entries[0]?.value.text).toBe('45n');
  }, 180_000);
});
