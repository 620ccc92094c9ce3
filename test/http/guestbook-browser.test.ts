import { afterEach, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import type { Principal } from '@dfinity/principal';
import { startGateway, stopGateway, type GatewayOverHttp } from './gateway-harness.js';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

let g: GatewayOverHttp | undefined;
let browser: Browser | undefined;
afterEach(async () => {
  await browser?.close();
  await stopGateway(g);
  browser = undefined;
  g = undefined;
});

describe('guestbook example in headless Chromium', () => {
  it('loads the certified page from <id>.localhost, signs the book through a form, and lists the entry', async () => {
    g = await startGateway(['canisters/guestbook/src/index.ts']);
    const id = g.ids[0] as Principal;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const page = await browser.newPage();
    // Chromium resolves every *.localhost name to the loopback address itself.
    const response = await page.goto(`http://${id.toText()}.localhost:${g.port}/`);
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.textContent('#status'), { timeout: 30_000 }).toBe('0 entries');

    await page.fill('#name', 'Grace');
    await page.fill('#message', 'Hello from Chromium');
    await page.click('button[type=submit]');
    await expect
      .poll(() => page.textContent('#entries'), { timeout: 30_000 })
      .toBe('Grace: Hello from Chromium');
    expect(await page.textContent('#status')).toBe('1 entries');
  }, 120_000);
});
