import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Actor,
  Certificate,
  HttpAgent,
  lookup_path as agentLookupPath,
  type HashTree as AgentHashTree,
} from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import {
  certificateTime,
  decodeCbor,
  decodeCertificate,
  encodeCbor,
  lookupPath,
  requestId,
  utf8,
  verifyCertificateSignature,
} from '@tincan/certification';
import { startHttpServer } from '@tincan/http';
import {
  anonymousContent,
  envelope,
  natArg,
  postCbor,
  startCounterOverHttp,
  stopCounterOverHttp,
  WALL_CLOCK,
  type CounterOverHttp,
} from './harness.js';

let h: CounterOverHttp | undefined;
afterEach(async () => {
  await stopCounterOverHttp(h);
  h = undefined;
});

const idlFactory: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({ add: I.Func([I.Nat], [I.Nat], []), get: I.Func([], [I.Nat], ['query']) });

/** Sends an anonymous v3 call; returns its request id and the decoded certificate. */
async function syncCall(
  c: CounterOverHttp,
  n: bigint,
): Promise<{ id: Uint8Array; certificate: Uint8Array }> {
  const content = anonymousContent('call', c.canisterId, 'add', natArg(n));
  const res = await postCbor(
    c.server,
    `/api/v3/canister/${c.canisterId.toText()}/call`,
    envelope(content),
  );
  expect(res.status).toBe(200);
  const body = decodeCbor(new Uint8Array(await res.arrayBuffer())) as {
    status: string;
    certificate: Uint8Array;
  };
  expect(body.status).toBe('replied');
  return { id: requestId(content), certificate: body.certificate };
}

/** A read_state of `paths` by the anonymous sender; returns the certificate. */
async function readState(c: CounterOverHttp, paths: Uint8Array[][]): Promise<Uint8Array> {
  const content = {
    request_type: 'read_state',
    paths,
    sender: Uint8Array.of(4),
    ingress_expiry: BigInt(Date.now() + 60_000) * 1_000_000n,
  };
  const res = await postCbor(
    c.server,
    `/api/v2/canister/${c.canisterId.toText()}/read_state`,
    encodeCbor({ content }),
  );
  expect(res.status).toBe(200);
  return (decodeCbor(new Uint8Array(await res.arrayBuffer())) as { certificate: Uint8Array })
    .certificate;
}

describe('certification per round', () => {
  it('answers concurrent calls with witnesses of shared signed trees, each verifying', async () => {
    h = await startCounterOverHttp();
    const c = h;
    const calls = await Promise.all(Array.from({ length: 24 }, () => syncCall(c, 1n)));
    const signatures = new Set<string>();
    for (const { id, certificate } of calls) {
      expect(verifyCertificateSignature(certificate, c.server.rootKey)).toBe(true);
      const { tree, signature } = decodeCertificate(certificate);
      signatures.add(Buffer.from(signature).toString('hex'));
      expect(lookupPath(tree, ['request_status', id, 'status'])).toEqual({
        status: 'found',
        value: utf8('replied'),
      });
      await Certificate.create({
        certificate,
        rootKey: c.server.rootKey,
        canisterId: c.canisterId,
      });
    }
    // Calls that finish together share a round: fewer signatures than calls.
    expect(signatures.size).toBeLessThan(calls.length);
    const replies = calls.map(({ id, certificate }) =>
      lookupPath(decodeCertificate(certificate).tree, ['request_status', id, 'reply']),
    );
    const counts = replies
      .map((r) => (r.status === 'found' ? (IDL.decode([IDL.Nat], r.value)[0] as bigint) : -1n))
      .sort((a, b) => Number(a - b));
    expect(counts).toEqual(Array.from({ length: 24 }, (_, i) => BigInt(i + 1)));
  });

  it('serves one signed tree to repeated reads and re-signs once it is a second old', async () => {
    let nowNs = BigInt(Date.now()) * 1_000_000n;
    h = await startCounterOverHttp({ server: { nowNs: () => nowNs } });
    const first = decodeCertificate(await readState(h, [[utf8('time')]]));
    const second = decodeCertificate(await readState(h, [[utf8('time')]]));
    expect(second.signature).toEqual(first.signature);
    expect(certificateTime(second.tree)).toBe(certificateTime(first.tree));
    nowNs += 1_500_000_000n;
    const third = decodeCertificate(await readState(h, [[utf8('time')]]));
    expect(certificateTime(third.tree)).toBe(nowNs);
    expect(third.signature).not.toEqual(first.signature);
  });

  it('certifies replica time, not host time', async () => {
    const behindNs = 90n * 1_000_000_000n;
    const clock = { nowNs: (): bigint => WALL_CLOCK.nowNs() - behindNs };
    h = await startCounterOverHttp({ clock });
    const before = h.t.replica.timeNs();
    const { certificate } = await syncCall(h, 2n);
    const certified = certificateTime(decodeCertificate(certificate).tree);
    expect(certified).toBeGreaterThanOrEqual(before);
    expect(certified).toBeLessThanOrEqual(h.t.replica.timeNs());
  });

  it('proves a request id absent', async () => {
    h = await startCounterOverHttp();
    await syncCall(h, 1n);
    const unknown = new Uint8Array(32).fill(0xab);
    const certificate = await readState(h, [[utf8('request_status'), unknown]]);
    const { tree } = decodeCertificate(certificate);
    expect(lookupPath(tree, ['request_status', unknown, 'status'])).toEqual({ status: 'absent' });
    // The agent's label order is not lexicographic, so it may read a valid absence proof as
    // unknown; either way it keeps polling rather than taking a status.
    expect(['Absent', 'Unknown']).toContain(
      agentLookupPath(['request_status', unknown, 'status'], tree as unknown as AgentHashTree)
        .status,
    );
    expect(verifyCertificateSignature(certificate, h.server.rootKey)).toBe(true);
  });

  it('certifies a canister deployed after the last round at once', async () => {
    h = await startCounterOverHttp();
    await readState(h, [[utf8('time')]]);
    const fresh = (await h.t.replica.deploy('canisters/counter/src/index.ts')).id;
    const { tree } = decodeCertificate(
      await readState(h, [[utf8('canister'), fresh.toUint8Array(), utf8('module_hash')]]),
    );
    expect(lookupPath(tree, ['canister', fresh.toUint8Array(), 'module_hash']).status).toBe(
      'found',
    );
  });
});

describe('persisted keys', () => {
  it('keeps the root key across a restart on the same state directory, and agents keep working', async () => {
    const keys = mkdtempSync(path.join(os.tmpdir(), 'tincan-keys-'));
    try {
      h = await startCounterOverHttp({ server: { stateDir: keys } });
      const { port } = new URL(h.server.url);
      const agent = await HttpAgent.create({ host: h.server.url, shouldFetchRootKey: true });
      const counter = Actor.createActor<{
        add(n: bigint): Promise<bigint>;
        get(): Promise<bigint>;
      }>(idlFactory, { agent, canisterId: h.canisterId });
      expect(await counter.add(4n)).toBe(4n);
      const rootKey = h.server.rootKey;
      await h.server.close();

      const replica = await h.t.restart();
      const server = await startHttpServer({
        replica,
        port: Number(port),
        host: '127.0.0.1',
        stateDir: keys,
      });
      h = { ...h, server };
      expect(server.rootKey).toEqual(rootKey);
      const fetched = await HttpAgent.create({ host: server.url, shouldFetchRootKey: true });
      expect(fetched.rootKey).toEqual(rootKey);
      // The agent fetched the root key before the restart; its query (node key) and update (root key) still verify.
      expect(await counter.get()).toBe(4n);
      expect(await counter.add(1n)).toBe(5n);
    } finally {
      rmSync(keys, { recursive: true, force: true });
    }
  });

  it('starts with different keys without a state directory', async () => {
    h = await startCounterOverHttp();
    const other = await startHttpServer({ replica: h.t.replica });
    try {
      expect(other.rootKey).not.toEqual(h.server.rootKey);
    } finally {
      await other.close();
    }
  });
});
