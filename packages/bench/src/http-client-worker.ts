/**
 * The client side of the HTTP benchmarks, in a worker thread so the replica keeps the main
 * thread (and its own core) and client work, BLS verification above all, does not queue
 * behind it. Runs `clients` concurrent callers for `ms` and reports calls and latencies.
 *
 * Client kinds:
 * - `agent`: unmodified `@dfinity/agent` HttpAgent + Actor, default verification (every
 *   certificate BLS-verified; about 30 ms of CPU each with @noble/curves).
 * - `agent-no-pairing`: the same, with the Actor's documented `blsVerify` option answering true
 *   without the pairing check, so the row shows what the agent costs apart from BLS
 *   verification (request ids, CBOR, Candid, certificate tree and time checks, fetch). A
 *   measurement, not a setting to use: it accepts any signature.
 * - `raw`: an anonymous envelope per call, CBOR-encoded, POSTed over a keep-alive node:http
 *   agent and its CBOR answer decoded; no certificate check. Against the bare server this is
 *   the transport baseline. It is a lean load generator on purpose: fetch (undici) costs about
 *   1 ms of CPU per request, and on a 2-core machine that CPU is taken from the replica.
 */
import { Agent, request } from 'node:http';
import { parentPort } from 'node:worker_threads';
import { Actor, HttpAgent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { decodeCbor, encodeCbor } from '@tincan/certification';

/** A run the main thread asks for. */
export interface ClientRun {
  readonly kind: 'agent' | 'agent-no-pairing' | 'raw';
  readonly url: string;
  readonly canisterId: string;
  readonly clients: number;
  readonly ms: number;
}

/** What a run reports. */
export interface ClientResult {
  readonly calls: number;
  readonly seconds: number;
  /** Every call's latency, in ms. */
  readonly latenciesMs: number[];
}

const idlFactory: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({ add: I.Func([I.Nat], [I.Nat], []) });
const NAT_ONE = new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0x00, 0x01, 0x7d, 0x01]);

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const keepAlive = new Agent({ keepAlive: true, maxSockets: 64 });

/** POSTs a CBOR body on a kept-alive connection; resolves with the status and the whole body. */
function post(url: string, body: Uint8Array): Promise<{ status: number; body: Uint8Array }> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/cbor', 'content-length': body.length };
    const req = request(url, { method: 'POST', agent: keepAlive, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: new Uint8Array(Buffer.concat(chunks)) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function makeCaller(run: ClientRun): Promise<() => Promise<void>> {
  if (run.kind === 'raw') {
    const path = `${run.url}/api/v3/canister/${run.canisterId}/call`;
    const canisterId = (await import('@dfinity/principal')).Principal.fromText(
      run.canisterId,
    ).toUint8Array();
    let nonce = 0;
    return async () => {
      const content = {
        request_type: 'call',
        canister_id: canisterId,
        method_name: 'add',
        arg: NAT_ONE,
        sender: Uint8Array.of(4),
        ingress_expiry: BigInt(Date.now() + 120_000) * 1_000_000n,
        nonce: new TextEncoder().encode(`${process.pid}:${Math.random()}:${nonce++}`),
      };
      const res = await post(path, encodeCbor({ content }));
      const body = decodeCbor(res.body) as { status?: string };
      if (res.status !== 200 || body.status !== 'replied')
        throw new Error(`bench: raw call answered ${res.status}`);
    };
  }
  const agent = await HttpAgent.create({ host: run.url, shouldFetchRootKey: true });
  const actor = Actor.createActor<{ add(n: bigint): Promise<bigint> }>(idlFactory, {
    agent,
    canisterId: run.canisterId,
    ...(run.kind === 'agent-no-pairing' && { blsVerify: () => true }),
  });
  return async () => {
    await actor.add(1n);
  };
}

async function runClients(run: ClientRun): Promise<ClientResult> {
  const callers = await Promise.all(Array.from({ length: run.clients }, () => makeCaller(run)));
  await Promise.all(callers.map((call) => call())); // warm: root key, connections, first certificate
  const latenciesMs: number[] = [];
  const start = performance.now();
  const end = start + run.ms;
  await Promise.all(
    callers.map(async (call) => {
      while (performance.now() < end) {
        const t = performance.now();
        await call();
        latenciesMs.push(performance.now() - t);
      }
    }),
  );
  return { calls: latenciesMs.length, seconds: (performance.now() - start) / 1000, latenciesMs };
}

/** Asks the worker how long one BLS verification takes there (what the agent does per certificate). */
export interface VerifyCostRun {
  readonly kind: 'verify-cost';
  /** A real certificate's public key, signature and signed message. */
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
  readonly message: Uint8Array;
  readonly times: number;
}

/** Median ms of `verifyShortSignature` (the agent's default verifier) over `times` runs. */
function verifyCost(run: VerifyCostRun): ClientResult {
  const latenciesMs: number[] = [];
  for (let i = 0; i < run.times; i++) {
    const t = performance.now();
    if (!bls12_381.verifyShortSignature(hex(run.signature), hex(run.message), hex(run.publicKey)))
      throw new Error('bench: the certificate did not verify');
    latenciesMs.push(performance.now() - t);
  }
  return { calls: run.times, seconds: latenciesMs.reduce((a, b) => a + b, 0) / 1000, latenciesMs };
}

parentPort?.on('message', (run: ClientRun | VerifyCostRun) => {
  (run.kind === 'verify-cost'
    ? Promise.resolve().then(() => verifyCost(run))
    : runClients(run)
  ).then(
    (result) => parentPort?.postMessage({ ok: true, result }),
    (err: unknown) =>
      parentPort?.postMessage({
        ok: false,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      }),
  );
});
