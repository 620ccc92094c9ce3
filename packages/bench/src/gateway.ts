/**
 * The HTTP gateway's overhead: `GET /api/entries` of the guestbook (canisters/guestbook, a
 * certified JSON response) through the gateway, against the baseline measured in the same
 * run, `http_request` called directly as a query by `@dfinity/agent` (signed query, the
 * agent's node-signature check). Gateway rows: the raw host (`<id>.raw.localhost`, no
 * verification) and the verified host (`<id>.localhost`, response verification v2 with a BLS
 * signature check per response), each with a keep-alive node:http client. One request at a
 * time; slices of the three cases alternate, so load that comes and goes hits all alike.
 */
import { Agent, request } from 'node:http';
import path from 'node:path';
import { Actor, HttpAgent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { startHttpServer } from '@tincan/http';
import { Replica } from '@tincan/replica';
import { measure, type BenchCase, type Timing } from './support.js';

/** The bar: a gateway request costs at most this many times a direct agent query. */
export const GATEWAY_OVERHEAD_BAR = 1.5;

/** One row: a case's total over its slices. */
export interface GatewayRow {
  readonly name: string;
  readonly msPerRequest: number;
  /** msPerRequest over the agent query's, in the same slices. */
  readonly ratio: number;
  readonly barred: boolean;
}

const Header = IDL.Tuple(IDL.Text, IDL.Text);
const idlFactory: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({
    http_request: I.Func(
      [
        I.Record({
          method: I.Text,
          url: I.Text,
          headers: I.Vec(Header),
          body: I.Vec(I.Nat8),
          certificate_version: I.Opt(I.Nat16),
        }),
      ],
      [
        I.Record({
          status_code: I.Nat16,
          headers: I.Vec(Header),
          body: I.Vec(I.Nat8),
          upgrade: I.Opt(I.Bool),
        }),
      ],
      ['query'],
    ),
  });

interface HttpRequestActor {
  http_request(request: {
    method: string;
    url: string;
    headers: Array<[string, string]>;
    body: Uint8Array;
    certificate_version: [] | [number];
  }): Promise<{ status_code: number; body: Uint8Array }>;
}

/** Runs the gateway benchmark: `seconds` per case, split into `rounds` alternating slices. */
export async function gatewayBenchmark(
  root: string,
  tmp: string,
  seconds: number,
  rounds: number,
): Promise<GatewayRow[]> {
  const replica = await Replica.create({ stateDir: path.join(tmp, 'gateway') });
  const server = await startHttpServer({ replica, stateDir: path.join(tmp, 'gateway') });
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const { id } = await replica.deploy(path.join(root, 'canisters/guestbook/src/index.ts'));
    const port = Number(new URL(server.url).port);
    const agent = await HttpAgent.create({ host: server.url, shouldFetchRootKey: true });
    const actor = Actor.createActor<HttpRequestActor>(idlFactory, { agent, canisterId: id });
    const get = (host: string): Promise<void> =>
      new Promise((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path: '/api/entries', agent: keepAlive, headers: { host } },
          (res) => {
            res.resume();
            res.on('end', () =>
              res.statusCode === 200
                ? resolve()
                : reject(new Error(`bench: gateway answered ${res.statusCode}`)),
            );
          },
        );
        req.on('error', reject);
        req.end();
      });
    const sequential = (name: string, one: () => Promise<unknown>): BenchCase => ({
      name,
      run: async (n) => {
        for (let i = 0; i < n; i++) await one();
      },
    });
    const cases = [
      sequential('@dfinity/agent query of http_request (baseline)', async () => {
        const response = await actor.http_request({
          method: 'GET',
          url: '/api/entries',
          headers: [],
          body: new Uint8Array(),
          certificate_version: [2],
        });
        if (response.status_code !== 200)
          throw new Error(`bench: http_request answered ${response.status_code}`);
      }),
      sequential('gateway GET, raw host (no verification)', () =>
        get(`${id.toText()}.raw.localhost:${port}`),
      ),
      sequential('gateway GET, verified host (response verification v2)', () =>
        get(`${id.toText()}.localhost:${port}`),
      ),
    ];
    const timings: Timing[][] = cases.map(() => []);
    for (const bench of cases) await measure(bench, 200);
    for (let round = 0; round < rounds; round++) {
      for (const [i, bench] of cases.entries())
        timings[i]?.push(await measure(bench, (seconds * 1000) / rounds));
    }
    const msPer = (t: readonly Timing[]): number =>
      (1000 * t.reduce((s, x) => s + x.seconds, 0)) / t.reduce((n, x) => n + x.ops, 0);
    const base = msPer(timings[0] ?? []);
    return cases.map((bench, i) => ({
      name: bench.name,
      msPerRequest: msPer(timings[i] ?? []),
      ratio: msPer(timings[i] ?? []) / base,
      barred: i > 0,
    }));
  } finally {
    keepAlive.destroy();
    await server.close();
    await replica.close();
  }
}

/** The Markdown rows of the gateway benchmark. */
export function gatewayReport(rows: readonly GatewayRow[]): string[] {
  const out = [
    '',
    '| gateway benchmark (one request at a time) | ms/request | ratio to agent query | bar |',
    '|---|---:|---:|---|',
  ];
  for (const row of rows) {
    const bar = row.barred
      ? `≤ ${GATEWAY_OVERHEAD_BAR.toFixed(2)} ${row.ratio <= GATEWAY_OVERHEAD_BAR ? 'PASS' : 'MISS'}`
      : '—';
    out.push(`| ${row.name} | ${row.msPerRequest.toFixed(3)} | ${row.ratio.toFixed(3)} | ${bar} |`);
  }
  return out;
}
