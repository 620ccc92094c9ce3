/**
 * HTTP update calls: `add(1)` on the counter through tincan's HTTP interface, from clients in
 * a worker thread (see http-client-worker.ts), against a baseline measured in the same run: a
 * bare node:http server that decodes the same CBOR envelope and answers a CBOR body of the
 * same shape, called by the same raw client. Rows: single-client p50 latency and throughput
 * with 32 concurrent clients, each as a ratio to the baseline. Slices of baseline and case
 * alternate, so load that comes and goes on the machine hits both alike.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  decodeCbor,
  decodeCertificate,
  derDecodeBlsPublicKey,
  encodeCbor,
  stateRootMessage,
  utf8,
} from '@tincan/certification';
import { startHttpServer, type HttpServer } from '@tincan/http';
import { Replica } from '@tincan/replica';
import type { ClientResult, ClientRun, VerifyCostRun } from './http-client-worker.js';

/** The bar: 32 clients make at least this many update calls per second. */
export const HTTP_THROUGHPUT_BAR = 1_000;

/** What the HTTP benchmarks measured. */
export interface HttpResults {
  readonly rows: HttpRow[];
  /** Median ms of one BLS certificate verification in the client worker, as the agent does it. */
  readonly verifyMs: number;
  readonly verifyRuns: number;
}

/** One row of the HTTP report. */
export interface HttpRow {
  /** Which client made the calls. */
  readonly kind: ClientRun['kind'];
  readonly name: string;
  readonly clients: number;
  readonly callsPerSecond: number;
  readonly p50Ms: number;
  readonly baselineCallsPerSecond: number;
  readonly baselineP50Ms: number;
}

interface Setup {
  readonly replica: Replica;
  readonly server: HttpServer;
  readonly bare: Server;
  readonly bareUrl: string;
  readonly canisterId: string;
  readonly worker: Worker;
}

/** Runs the HTTP benchmarks: `seconds` per slice, `rounds` alternating slices per row. */
export async function httpBenchmarks(
  root: string,
  tmp: string,
  options: { seconds: number; rounds: number; quick: boolean },
): Promise<HttpResults> {
  const setup = await open(root, tmp);
  try {
    const ms = (options.seconds * 1000) / options.rounds;
    const kinds: Array<[ClientRun['kind'], string]> = [
      ['raw', 'tincan v3 call, raw anonymous envelope client (no certificate check)'],
      ['agent', '@dfinity/agent Actor add(1), default verification'],
      [
        'agent-no-pairing',
        "@dfinity/agent Actor add(1), BLS pairing skipped (the agent's other client cost)",
      ],
    ];
    const rows: HttpRow[] = [];
    for (const clients of [1, 32]) {
      for (const [kind, name] of kinds) {
        const own: ClientResult[] = [];
        const base: ClientResult[] = [];
        for (let round = 0; round < options.rounds; round++) {
          base.push(
            await runIn(setup.worker, {
              kind: 'raw',
              url: setup.bareUrl,
              canisterId: setup.canisterId,
              clients,
              ms,
            }),
          );
          own.push(
            await runIn(setup.worker, {
              kind,
              url: setup.server.url,
              canisterId: setup.canisterId,
              clients,
              ms,
            }),
          );
        }
        rows.push({ kind, name, clients, ...summary(own), ...prefixed(summary(base)) });
      }
    }
    const verifyRuns = options.quick ? 5 : 15;
    const verify = await runIn(setup.worker, {
      kind: 'verify-cost',
      ...(await certificateToVerify(setup.server)),
      times: verifyRuns,
    });
    return { rows, verifyMs: summary([verify]).p50Ms, verifyRuns };
  } finally {
    await setup.worker.terminate();
    await setup.server.close();
    setup.bare.close();
    setup.bare.closeAllConnections();
    await setup.replica.close();
  }
}

/** The report lines (Markdown table plus the bar). */
export function httpReport({ rows, verifyMs, verifyRuns }: HttpResults): string[] {
  const out = [
    '',
    'HTTP update calls (counter add(1) over 127.0.0.1; clients in one worker thread; baseline: bare node:http server decoding the same CBOR envelope, raw client):',
    '',
    '| client | clients | calls/s | p50 ms | baseline calls/s | baseline p50 ms | throughput ratio | p50 ratio |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    out.push(
      `| ${r.name} | ${r.clients} | ${Math.round(r.callsPerSecond).toLocaleString('en-US')} | ${r.p50Ms.toFixed(2)} | ` +
        `${Math.round(r.baselineCallsPerSecond).toLocaleString('en-US')} | ${r.baselineP50Ms.toFixed(2)} | ` +
        `${(r.callsPerSecond / r.baselineCallsPerSecond).toFixed(3)} | ${(r.p50Ms / r.baselineP50Ms).toFixed(2)}× |`,
    );
  }
  // The bar is the replica's capacity, measured with the lean raw client; the agent rows also
  // pay the agent's client CPU on the same two cores (see the verification line below).
  for (const r of rows.filter((row) => row.clients === 32)) {
    const verdict =
      r.kind === 'raw'
        ? r.callsPerSecond >= HTTP_THROUGHPUT_BAR
          ? 'PASS'
          : 'MISS'
        : 'client-bound';
    out.push(
      `HTTP bar (≥ ${HTTP_THROUGHPUT_BAR.toLocaleString('en-US')} update calls/s with 32 clients): ${verdict}  ${r.name}`,
    );
  }
  out.push(
    `One BLS certificate verification in the client worker (the agent's default check, once per update): ${verifyMs.toFixed(1)} ms median of ${verifyRuns}; ` +
      `so one client core verifies at most ${Math.floor(1000 / verifyMs)} certificates/s.`,
  );
  return out;
}

async function open(root: string, tmp: string): Promise<Setup> {
  const replica = await Replica.create({ stateDir: path.join(tmp, 'http-replica') });
  const { id } = await replica.deploy(path.join(root, 'canisters/counter/src/index.ts'));
  const server = await startHttpServer({ replica, stateDir: path.join(tmp, 'http-replica') });
  // The baseline answers what a v3 call answers, with a certificate-sized body, and nothing else.
  const answer = encodeCbor({ status: 'replied', certificate: new Uint8Array(900) });
  const bare = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const envelope = decodeCbor(new Uint8Array(Buffer.concat(chunks))) as { content?: unknown };
      res.writeHead(envelope.content === undefined ? 400 : 200, {
        'content-type': 'application/cbor',
        'content-length': answer.length,
      });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
  const worker = new Worker(new URL('./http-client-worker.js', import.meta.url));
  return { replica, server, bare, bareUrl, canisterId: id.toText(), worker };
}

/** A real certificate of the server (a read_state of `/time`): key, signature, signed message. */
async function certificateToVerify(
  server: HttpServer,
): Promise<Omit<VerifyCostRun, 'kind' | 'times'>> {
  const content = {
    request_type: 'read_state',
    paths: [[utf8('time')]],
    sender: Uint8Array.of(4),
    ingress_expiry: BigInt(Date.now() + 60_000) * 1_000_000n,
  };
  const res = await fetch(`${server.url}/api/v3/subnet/aaaaa-aa/read_state`, {
    method: 'POST',
    headers: { 'content-type': 'application/cbor' },
    body: encodeCbor({ content }),
  });
  if (res.status !== 200) throw new Error(`bench: read_state answered ${res.status}`);
  const { certificate } = decodeCbor(new Uint8Array(await res.arrayBuffer())) as {
    certificate: Uint8Array;
  };
  const { tree, signature } = decodeCertificate(certificate);
  return {
    publicKey: derDecodeBlsPublicKey(server.rootKey),
    signature,
    message: stateRootMessage(tree),
  };
}

function runIn(worker: Worker, run: ClientRun | VerifyCostRun): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { ok: boolean; result?: ClientResult; error?: string }): void => {
      worker.off('error', reject);
      if (message.ok && message.result !== undefined) resolve(message.result);
      else reject(new Error(`bench: HTTP client failed: ${message.error ?? 'no result'}`));
    };
    worker.once('message', onMessage);
    worker.once('error', reject);
    worker.postMessage(run);
  });
}

function summary(results: readonly ClientResult[]): { callsPerSecond: number; p50Ms: number } {
  const calls = results.reduce((n, r) => n + r.calls, 0);
  const seconds = results.reduce((s, r) => s + r.seconds, 0);
  const latencies = results.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  return {
    callsPerSecond: calls / seconds,
    p50Ms: latencies[Math.floor(latencies.length / 2)] ?? Number.NaN,
  };
}

function prefixed(s: { callsPerSecond: number; p50Ms: number }): {
  baselineCallsPerSecond: number;
  baselineP50Ms: number;
} {
  return { baselineCallsPerSecond: s.callsPerSecond, baselineP50Ms: s.p50Ms };
}
