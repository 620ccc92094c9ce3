import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '@dfinity/principal';
import {
  certifiedHost,
  hostRequest,
  rawHost,
  startGateway,
  stopGateway,
  type GatewayOverHttp,
} from './gateway-harness.js';

let g: GatewayOverHttp | undefined;
afterEach(async () => {
  await stopGateway(g);
  g = undefined;
});

describe('HTTP gateway response verification', () => {
  it('passes v2- and v1-certified responses on the verified host', async () => {
    g = await startGateway(['test/fixtures/http-certified.ts']);
    const id = g.ids[0] as Principal;
    const v2 = await hostRequest(g, certifiedHost(g, id), '/v2');
    expect(v2.status).toBe(200);
    expect(v2.text).toBe('certified v2');
    expect(v2.headers['ic-certificate']).toMatch(/version=2/);
    const v1 = await hostRequest(g, certifiedHost(g, id), '/v1');
    expect(v1.status).toBe(200);
    expect(v1.text).toBe('certified v1');
    // Request certification: the certified query parameter passes, others do not matter.
    expect((await hostRequest(g, certifiedHost(g, id), '/greet?lang=en&utm=x')).text).toBe('hello');
    // Query parameters are not part of a response-only certification.
    expect((await fetch(`${g.server.url}/v2?canisterId=${id.toText()}&x=1`)).status).toBe(200);
  });

  it('refuses tampered bodies, statuses and v1 assets, and uncertified responses, with a 503', async () => {
    g = await startGateway(['test/fixtures/http-certified.ts']);
    const id = g.ids[0] as Principal;
    for (const path of [
      '/greet?lang=de',
      '/greet',
      '/tampered-body',
      '/tampered-status',
      '/tampered-v1',
      '/uncertified',
    ]) {
      const res = await hostRequest(g, certifiedHost(g, id), path);
      expect(res.status, path).toBe(503);
      expect(res.text, path).toMatch(/^Response verification failed: /);
      // The raw host passes the same responses on as they are.
      const raw = await hostRequest(g, rawHost(g, id), path);
      expect(raw.status, path).not.toBe(503);
    }
  });

  it('refuses certificates signed by another root key', async () => {
    // The certificate is genuine, but this gateway trusts a different root key.
    g = await startGateway(['test/fixtures/http-certified.ts']);
    const id = g.ids[0] as Principal;
    const { startHttpServer } = await import('@tincan/http');
    const other = await startHttpServer({ replica: g.t.replica });
    try {
      // `other` signs with its own root key; the data certificate the canister reads comes from
      // the server that set itself as the replica's source last (`other`), so `g` must refuse.
      const res = await hostRequest(g, certifiedHost(g, id), '/v2');
      expect(res.status).toBe(503);
      expect(res.text).toMatch(/Response verification failed/);
    } finally {
      await other.close();
    }
  });
});
