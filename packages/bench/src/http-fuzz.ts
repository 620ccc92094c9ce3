/**
 * Fuzzing `tincan start` over HTTP: N requests (100k in a full run) built by seeded mutation of
 * valid envelopes (anonymous and Ed25519-signed call, query and read_state), sent to every
 * endpoint by 16 keep-alive clients against a real `tincan start` subprocess. Mutations cover
 * CBOR (flipped, cut, appended, random bytes, deep nesting), fields (dropped, retyped, huge),
 * signatures (flipped bits, a wrong key, a missing signature), expiry (past, far future) and
 * Candid (garbage and `DIDL`-prefixed arguments, unknown methods); a share stay valid, so
 * updates execute throughout. The bar: 0 process exits, 0 5xx answers, 0 answers slower than
 * 2 s (a request cut off at 10 s counts too), memory flat, and a valid call answered
 * afterwards with no update lost.
 *
 * Memory: an uncapped Node process grows its old space lazily (at 1,000 requests/s it went 46 s
 * without a full GC while RSS climbed), so RSS alone measures V8's laziness, not what the server
 * keeps. The server therefore runs with its old space capped at {@link FUZZ_HEAP_CAP_MIB} and
 * `--trace-gc`: a leak ends the run in an out-of-memory exit, and the live heap after each full
 * GC (what the server really retains) is reported and judged flat over the second half.
 *
 * The envelopes and keys are in fuzz-envelopes.ts, the mutations in fuzz-requests.ts, the
 * client side (POST, counter query, RSS) in fuzz-http.ts.
 */
import os from 'node:os';
import path from 'node:path';
import { Agent as HttpAgentPool } from 'node:http';
import { Principal } from '@dfinity/principal';
import { decodeCbor, encodeCbor, utf8 } from '@tincan/certification';
import { Replica } from '@tincan/replica';
import { makeKey, natArg, Rng, sign } from './fuzz-envelopes.js';
import { counter, post, rssMiB } from './fuzz-http.js';
import { generator } from './fuzz-requests.js';
import { startTincan } from './tincan-process.js';

/** A request slower than this counts as a hang. */
export const FUZZ_HANG_MS = 2_000;
const CLIENTS = 16;

/** What a fuzz run saw. */
export interface FuzzResult {
  readonly requests: number;
  readonly seconds: number;
  /** Answers by HTTP status; 0 for a request that failed without an answer. */
  readonly statuses: ReadonlyMap<number, number>;
  readonly serverErrors: number;
  readonly hangs: number;
  readonly slowestMs: number;
  readonly exits: number;
  /** RSS of the server process in MiB after each tenth of the run. */
  readonly rssMiB: readonly number[];
  /** Live heap (MB) after each full GC of the server, with the requests done by then. */
  readonly liveAfterGc: ReadonlyArray<{ readonly done: number; readonly mb: number }>;
  /** Answer times in ms: median and 99.9th percentile. */
  readonly p50Ms: number;
  readonly p999Ms: number;
  /** Requests over the hang bound, by endpoint kind (call, query, read_state). */
  readonly hangsByKind: ReadonlyMap<string, number>;
  /** Counter value before and after the run, and whether the closing valid call was answered. */
  readonly counterBefore: bigint;
  readonly counterAfter: bigint;
  readonly finalCallOk: boolean;
}

/** Old-space cap of the fuzzed server (MiB): several times what it retains at steady state. */
export const FUZZ_HEAP_CAP_MIB = 192;

/** Live heap (MB) after a full GC, from one `--trace-gc` line. */
const MARK_COMPACT = /Mark-Compact[^\n]*?-> ([\d.]+) \(/g;

/** Runs `requests` fuzzed requests against a `tincan start` subprocess. */
export async function fuzzBenchmark(
  root: string,
  tmp: string,
  requests: number,
  seed = 0x7a1c,
): Promise<FuzzResult> {
  const stateDir = path.join(tmp, 'fuzz');
  const setup = await Replica.create({ stateDir: path.join(stateDir, 'replica') });
  const canisterId = (await setup.deploy(path.join(root, 'canisters/counter/src/index.ts'))).id;
  await setup.close();
  // Live heap after each full GC, with how many requests were done by then.
  const liveAfterGc: Array<{ done: number; mb: number }> = [];
  let doneSoFar = 0;
  const tincan = await startTincan(stateDir, {
    nodeArgs: [`--max-old-space-size=${FUZZ_HEAP_CAP_MIB}`, '--trace-gc'],
    onStdout: (chunk) => {
      for (const m of chunk.matchAll(MARK_COMPACT))
        liveAfterGc.push({ done: doneSoFar, mb: Number(m[1]) });
    },
  });
  let exits = 0;
  let stopping = false;
  void tincan.exited.then(() => {
    if (!stopping) exits++;
  });
  const agent = new HttpAgentPool({ keepAlive: true, maxSockets: CLIENTS });
  try {
    const url = new URL(tincan.url);
    const status = decodeCbor(
      new Uint8Array(await (await fetch(new URL('/api/v2/status', url))).arrayBuffer()),
    ) as { root_key: Uint8Array };
    const subnet = Principal.selfAuthenticating(status.root_key).toText();
    const next = generator(canisterId, subnet, new Rng(seed));
    const counterBefore = await counter(url, agent, canisterId);
    const statuses = new Map<number, number>();
    let [sent, done, hangs, serverErrors, slowestMs] = [0, 0, 0, 0, 0];
    const rss: number[] = [];
    const times: number[] = [];
    const hangsByKind = new Map<string, number>();
    const started = performance.now();
    const worker = async (): Promise<void> => {
      while (sent < requests && exits === 0) {
        sent++;
        const r = next();
        const { status, ms } = await post(url, agent, r);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        times.push(ms);
        if (status >= 500) serverErrors++;
        if (ms > FUZZ_HANG_MS) {
          hangs++;
          const kind = r.path.slice(r.path.lastIndexOf('/') + 1);
          hangsByKind.set(kind, (hangsByKind.get(kind) ?? 0) + 1);
        }
        if (ms > slowestMs) slowestMs = ms;
        done++;
        doneSoFar = done;
        if (done % Math.ceil(requests / 10) === 0) rss.push(rssMiB(tincan.child.pid ?? 0));
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, worker));
    const seconds = (performance.now() - started) / 1000;
    times.sort((a, b) => a - b);
    const at = (q: number): number =>
      times[Math.min(times.length - 1, Math.floor(times.length * q))] ?? NaN;
    // A valid signed call after the storm is answered and executes.
    const key = makeKey(new Rng(seed + 1));
    const content = {
      request_type: 'call',
      canister_id: canisterId.toUint8Array(),
      method_name: 'add',
      arg: natArg(1n),
      sender: key.sender,
      ingress_expiry: BigInt(Date.now() + 60_000) * 1_000_000n,
      nonce: utf8('final'),
    };
    const final = await post(url, agent, {
      path: `/api/v3/canister/${canisterId.toText()}/call`,
      body: encodeCbor(sign(key, content)),
      contentType: 'application/cbor',
    });
    const counterAfter = await counter(url, agent, canisterId);
    return {
      requests: sent,
      seconds,
      statuses,
      serverErrors,
      hangs,
      slowestMs,
      exits,
      rssMiB: rss,
      liveAfterGc,
      p50Ms: at(0.5),
      p999Ms: at(0.999),
      hangsByKind,
      counterBefore,
      counterAfter,
      finalCallOk: final.status === 200,
    };
  } finally {
    agent.destroy();
    stopping = true;
    await tincan.stop();
  }
}

/** Report lines for a fuzz result. */
export function fuzzReport(r: FuzzResult): string[] {
  const statuses = [...r.statuses]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s === 0 ? 'no answer' : s}: ${n}`)
    .join(', ');
  // Flat: the live heap after full GCs in the last fifth of the run is no more than 10% (or
  // 8 MB) above its peak in the third and fourth fifths (the first 40% fill the bounded caches:
  // 10,000 request statuses with their certified tree, and the trace ring). Without a full GC
  // in either window (a quiet heap), RSS must not grow over the second half beyond 32 MiB or 10%.
  const peak = (from: number, to: number): number =>
    Math.max(
      -Infinity,
      ...r.liveAfterGc
        .filter((g) => g.done >= from * r.requests && g.done < to * r.requests)
        .map((g) => g.mb),
    );
  const [middle, last] = [peak(0.4, 0.8), peak(0.8, 1.01)];
  const [half, end] = [r.rssMiB[4] ?? NaN, r.rssMiB[r.rssMiB.length - 1] ?? NaN];
  const byGc = Number.isFinite(middle) && Number.isFinite(last);
  const flat = byGc
    ? last <= Math.max(middle * 1.1, middle + 8)
    : end - half <= Math.max(32, half * 0.1);
  const liveByTenths = Array.from({ length: 10 }, (_, i) =>
    peak(i / 10, (i + 1) / 10 + (i === 9 ? 0.01 : 0)),
  ).map((mb) => (Number.isFinite(mb) ? mb.toFixed(0) : '–'));
  const hangKinds = [...r.hangsByKind].map(([kind, n]) => `${kind} ${n}`).join(', ');
  const pass =
    r.exits === 0 &&
    r.serverErrors === 0 &&
    r.hangs === 0 &&
    flat &&
    r.finalCallOk &&
    r.counterAfter > r.counterBefore &&
    !r.statuses.has(0);
  return [
    `HTTP fuzz against \`tincan start\`: ${r.requests.toLocaleString('en-US')} seeded mutated requests in ${r.seconds.toFixed(1)} s ` +
      `(${Math.round(r.requests / r.seconds).toLocaleString('en-US')}/s, ${CLIENTS} clients, load average ${os.loadavg()[0]?.toFixed(2)}): ` +
      `${r.exits} process exits, ${r.serverErrors} 5xx, ${r.hangs} over ${FUZZ_HANG_MS} ms${hangKinds === '' ? '' : ` (${hangKinds})`}; ` +
      `answer time median ${r.p50Ms.toFixed(0)} ms, 99.9th percentile ${r.p999Ms.toFixed(0)} ms, slowest ${r.slowestMs.toFixed(0)} ms; ` +
      `server live heap after full GCs by tenths (peak MB) ${liveByTenths.join(' → ')}, RSS by tenths ${r.rssMiB.map((m) => m.toFixed(0)).join(' → ')} MiB ` +
      `(old space capped at ${FUZZ_HEAP_CAP_MIB} MiB; ${flat ? 'flat' : 'GROWING'}${byGc ? ` by live heap: ${middle.toFixed(0)} → ${last.toFixed(0)} MB` : ' by RSS'}); ` +
      `counter ${r.counterBefore} → ${r.counterAfter}, closing valid call ${r.finalCallOk ? 'answered' : 'NOT answered'} — ${pass ? 'PASS' : 'MISS'}`,
    `  answers: ${statuses}`,
  ];
}
