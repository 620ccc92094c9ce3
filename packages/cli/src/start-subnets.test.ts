import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { HttpAgent } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import { startReplica, type RunningReplica } from './start.js';

// The methods this test calls on canisters/connector, test/fixtures/bridge-app.ts and
// test/fixtures/xnet-peer.ts, as they declare them.
interface Connector {
  setPeer(peer: Principal, rootKey: Uint8Array): boolean;
}
interface BridgeApp {
  addAcross(connector: Principal, destination: Principal, n: bigint): bigint;
  getResults(): string[];
}
interface XnetPeer {
  getCount(): bigint;
}

let dir: string | undefined;
let running: RunningReplica | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const REPO = path.resolve(import.meta.dirname, '../../..');

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it(
  'starts two subnets with the bridge relayer, which carries a connector call across by itself, and restarts with the same subnets and root key',
  { timeout: 240_000 },
  async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tincan-start-subnets-'));
    const options = {
      port: 0,
      host: '127.0.0.1',
      stateDir: dir,
      clean: false,
      subnets: 2,
      bridge: true,
    };
    running = await startReplica(options);
    const subnets = running.subnets;
    if (subnets === undefined) throw new Error('no subnets');
    expect(running.topology).toHaveLength(2);
    expect(running.topology[1]).toMatch(/^subnet 1: \S+, canisters \S+ … \S+$/);
    const connector = path.join(REPO, 'canisters/connector/src/index.ts');
    const a = (await subnets.deploy(0, connector)).id;
    const b = (await subnets.deploy(1, connector)).id;
    const app = (await subnets.deploy(0, path.join(REPO, 'test/fixtures/bridge-app.ts'))).id;
    const target = (await subnets.deploy(1, path.join(REPO, 'test/fixtures/xnet-peer.ts'))).id;
    await subnets.actor<Connector>(a).setPeer(b, running.server.rootKey);
    await subnets.actor<Connector>(b).setPeer(a, running.server.rootKey);
    expect(await subnets.actor<BridgeApp>(app).addAcross(a, target, 9n)).toBe(0n);
    const results = await until('the bridged call', async () => {
      const got = await subnets.actor<BridgeApp>(app).getResults();
      return got.length > 0 ? got : undefined;
    });
    expect(results).toEqual(['0: ok 9']);
    const rootKey = running.server.rootKey;
    const ids = subnets.subnets.map((s) => s.id.toText());
    await running.close();

    running = await startReplica({ ...options, bridge: false });
    expect(running.server.rootKey).toEqual(rootKey);
    expect(running.subnets?.subnets.map((s) => s.id.toText())).toEqual(ids);
    const agent = await HttpAgent.create({ host: running.url, shouldFetchRootKey: true });
    expect(agent.rootKey).toEqual(rootKey);
    expect(await running.subnets?.actor<XnetPeer>(target).getCount()).toBe(9n);
  },
);
