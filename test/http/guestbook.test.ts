import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '@dfinity/principal';
import {
  certifiedHost,
  hostRequest,
  startGateway,
  stopGateway,
  type GatewayOverHttp,
} from './gateway-harness.js';

const GUESTBOOK = 'canisters/guestbook/src/index.ts';

let g: GatewayOverHttp | undefined;
afterEach(async () => {
  await stopGateway(g);
  g = undefined;
});

/** The gateway URL of `path` on the plain host, with `?canisterId=` (verified responses). */
function url(gw: GatewayOverHttp, id: Principal, path: string): string {
  return `${gw.server.url}${path}${path.includes('?') ? '&' : '?'}canisterId=${id.toText()}`;
}

describe('guestbook example over the gateway, with plain fetch', () => {
  it('serves its certified page and JSON, and a POST signs the book for good', async () => {
    g = await startGateway([GUESTBOOK]);
    const id = g.ids[0] as Principal;

    const page = await fetch(url(g, id, '/'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('ic-certificate')).toMatch(/^certificate=:.*version=2$/);
    expect(await page.text()).toContain('<h1>Guestbook</h1>');

    expect(await (await fetch(url(g, id, '/api/entries'))).json()).toEqual([]);

    const signed = await fetch(url(g, id, '/api/entries'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada', message: 'Hello' }),
    });
    expect(signed.status).toBe(201);
    expect(await signed.json()).toMatchObject({ name: 'Ada', message: 'Hello' });

    // The update re-certified the list: the next (verified) query shows the entry.
    const entries = await fetch(url(g, id, '/api/entries'));
    expect(entries.status).toBe(200);
    expect(await entries.json()).toMatchObject([{ name: 'Ada', message: 'Hello' }]);

    const unknown = await fetch(url(g, id, '/no/such/page'));
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe('Not found\n');

    const invalid = await fetch(url(g, id, '/api/entries'), { method: 'POST', body: 'not json' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({
      error: expect.stringMatching(/must be JSON/) as unknown,
    });

    // The same through the `<id>.localhost` host.
    expect(
      JSON.parse((await hostRequest(g, certifiedHost(g, id), '/api/entries')).text),
    ).toHaveLength(1);
  });
});
