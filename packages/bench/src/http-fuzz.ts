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
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent as HttpAgentPool, request } from 'node:http';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { ed25519 } from '@noble/curves/ed25519.js';
import { concatBytes, decodeCbor, encodeCbor, requestId, utf8 } from '@tincan/certification';
import { Replica } from '@tincan/replica';
import { startTincan } from './tincan-process.js';

/** A request slower than this counts as a hang. */
export const FUZZ_HANG_MS = 2_000;
/** A request is cut off after this long. */
const CUTOFF_MS = 10_000;
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

/** A small seeded PRNG (xorshift32): the same seed, the same requests. */
class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0 || 1;
  }
  next(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state;
  }
  below(n: number): number {
    return this.next() % n;
  }
  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.next() & 0xff);
  }
}

interface Key {
  readonly secret: Uint8Array;
  readonly der: Uint8Array;
  readonly sender: Uint8Array;
}

const ED25519_DER_PREFIX = Uint8Array.of(
  0x30,
  0x2a,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x70,
  0x03,
  0x21,
  0x00,
);
const REQUEST_DOMAIN = concatBytes(Uint8Array.of(0x0a), utf8('ic-request'));

function makeKey(rng: Rng): Key {
  const secret = rng.bytes(32);
  const der = concatBytes(ED25519_DER_PREFIX, ed25519.getPublicKey(secret));
  return { secret, der, sender: Principal.selfAuthenticating(der).toUint8Array() };
}

function sign(key: Key, content: Record<string, unknown>): Record<string, unknown> {
  let id: Uint8Array;
  try {
    id = requestId(content);
  } catch {
    // Content with a value the request id cannot hash: signed over nothing, the server refuses it anyway.
    id = new Uint8Array(32);
  }
  return {
    content,
    sender_pubkey: key.der,
    sender_sig: ed25519.sign(concatBytes(REQUEST_DOMAIN, id), key.secret),
  };
}

const natArg = (n: bigint): Uint8Array => new Uint8Array(IDL.encode([IDL.Nat], [n]));

/** One request to send: path, body and content type. */
interface FuzzRequest {
  readonly path: string;
  readonly body: Uint8Array;
  readonly contentType: string;
}

/** Builds request `i` of the run from the seeded generator. */
function generator(canisterId: Principal, subnet: string, rng: Rng): () => FuzzRequest {
  const key = makeKey(rng);
  const other = makeKey(rng);
  const id = canisterId.toText();
  const cid = canisterId.toUint8Array();
  const endpoints = [
    `/api/v2/canister/${id}/call`,
    `/api/v3/canister/${id}/call`,
    `/api/v4/canister/${id}/call`,
    `/api/v2/canister/${id}/query`,
    `/api/v3/canister/${id}/query`,
    `/api/v2/canister/${id}/read_state`,
    `/api/v3/subnet/${subnet}/read_state`,
  ];
  const expiry = (): bigint => BigInt(Date.now() + 3 * 60_000) * 1_000_000n;
  const content = (
    type: 'call' | 'query' | 'read_state',
    sender: Uint8Array,
  ): Record<string, unknown> => {
    if (type === 'read_state') {
      return {
        request_type: 'read_state',
        paths: [[utf8('time')], [utf8('request_status'), rng.bytes(32)]],
        sender,
        ingress_expiry: expiry(),
      };
    }
    const method = type === 'call' ? 'add' : 'get';
    return {
      request_type: type,
      canister_id: cid,
      method_name: method,
      arg: type === 'call' ? natArg(1n) : new Uint8Array(IDL.encode([], [])),
      sender,
      ingress_expiry: expiry(),
      nonce: rng.bytes(8),
    };
  };
  const oddValues = (): unknown => {
    switch (rng.below(9)) {
      case 0:
        return rng.next();
      case 1:
        return -BigInt(rng.next()) * 2n ** 40n;
      case 2:
        return 'x'.repeat(rng.below(64));
      case 3:
        return rng.bytes(rng.below(64));
      case 4:
        return null;
      case 5:
        return rng.below(2) === 0;
      case 6:
        return Array.from({ length: rng.below(4) }, () => rng.bytes(4));
      case 7:
        return Array.from({ length: 1 + rng.below(300) }).reduce<unknown[]>((inner) => [inner], []);
      default:
        return { a: rng.next() };
    }
  };
  const candid = (): Uint8Array => {
    switch (rng.below(5)) {
      case 0:
        return rng.bytes(rng.below(40));
      case 1:
        return concatBytes(utf8('DIDL'), rng.bytes(rng.below(40)));
      // A deep `opt` type: a bounded decoder refuses it quickly.
      case 2:
        return concatBytes(
          utf8('DIDL'),
          Uint8Array.of(1 + rng.below(100), 0x6e, 0x00),
          rng.bytes(8),
        );
      case 3:
        return natArg(BigInt(rng.next()));
      default:
        return concatBytes(natArg(1n), rng.bytes(1 + rng.below(8)));
    }
  };
  return () => {
    const type = (['call', 'call', 'query', 'read_state'] as const)[rng.below(4)] ?? 'call';
    const signed = rng.below(2) === 0;
    const base = content(type, signed ? key.sender : Uint8Array.of(4));
    const endpoint =
      type === 'call'
        ? endpoints[rng.below(3)]
        : type === 'query'
          ? endpoints[3 + rng.below(2)]
          : endpoints[5 + rng.below(2)];
    const pathname =
      rng.below(20) === 0
        ? (endpoints[rng.below(endpoints.length)] as string)
        : (endpoint as string);
    const wrap = (c: Record<string, unknown>): Record<string, unknown> =>
      signed ? sign(key, c) : { content: c };
    let body: Uint8Array;
    switch (rng.below(12)) {
      case 0: // valid
        body = encodeCbor(wrap(base));
        break;
      case 1: {
        // flipped bytes
        const bytes = Uint8Array.from(encodeCbor(wrap(base)));
        for (let n = 1 + rng.below(4); n > 0; n--) {
          const at = rng.below(bytes.length);
          bytes[at] = (bytes[at] ?? 0) ^ (1 + rng.below(255));
        }
        body = bytes;
        break;
      }
      case 2: {
        // cut short, or trailing bytes
        const bytes = encodeCbor(wrap(base));
        body =
          rng.below(2) === 0
            ? bytes.subarray(0, rng.below(bytes.length))
            : concatBytes(bytes, rng.bytes(1 + rng.below(16)));
        break;
      }
      case 3: // random bytes
        body = rng.bytes(rng.below(300));
        break;
      case 4: {
        // a field dropped or retyped
        const c = { ...base };
        const keys = Object.keys(c);
        const field = keys[rng.below(keys.length)] as string;
        if (rng.below(2) === 0) delete c[field];
        else c[field] = oddValues();
        body = encodeCbor(wrap(c));
        break;
      }
      case 5: {
        // a signature flipped, by the wrong key, or missing
        const env = sign(key, { ...base, sender: key.sender });
        const choice = rng.below(3);
        if (choice === 0) {
          const sig = Uint8Array.from(env.sender_sig as Uint8Array);
          const at = rng.below(sig.length);
          sig[at] = (sig[at] ?? 0) ^ (1 << rng.below(8));
          env.sender_sig = sig;
        } else if (choice === 1) env.sender_pubkey = other.der;
        else delete env.sender_sig;
        body = encodeCbor(env);
        break;
      }
      case 6: {
        // expiry out of range
        const offsets = [-60_000n, -1n, 10n * 60_000n, 10n ** 15n];
        const ms = offsets[rng.below(offsets.length)] ?? 0n;
        body = encodeCbor(
          wrap({ ...base, ingress_expiry: BigInt(Date.now()) * 1_000_000n + ms * 1_000_000n }),
        );
        break;
      }
      case 7: // a hostile Candid argument, correctly signed
        body = encodeCbor(wrap({ ...base, arg: candid() }));
        break;
      case 8: // an unknown method or canister
        body = encodeCbor(
          wrap(
            rng.below(2) === 0
              ? { ...base, method_name: 'x'.repeat(rng.below(40)) }
              : { ...base, canister_id: rng.bytes(rng.below(30)) },
          ),
        );
        break;
      case 9: // the same envelope again (replays)
        body = encodeCbor(wrap({ ...base, nonce: Uint8Array.of(rng.below(4)) }));
        break;
      case 10: // deep CBOR nesting in the envelope
        body = encodeCbor({ ...wrap(base), extra: oddValues() });
        break;
      default: // a valid envelope with an unexpected top-level field
        body = encodeCbor({ ...wrap(base), sender_delegation: oddValues() });
        break;
    }
    const contentType = rng.below(50) === 0 ? 'application/json' : 'application/cbor';
    return { path: pathname, body, contentType };
  };
}

/** POSTs one request; resolves with its status (0 on a failure) and duration. */
function post(
  url: URL,
  agent: HttpAgentPool,
  r: FuzzRequest,
): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: r.path,
        method: 'POST',
        agent,
        headers: { 'content-type': r.contentType, 'content-length': r.body.length },
        timeout: CUTOFF_MS,
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }),
        );
        res.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('cut off')));
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(r.body);
  });
}

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match?.[1] === undefined ? NaN : Number(match[1]) / 1024;
}

async function counter(url: URL, agent: HttpAgentPool, canisterId: Principal): Promise<bigint> {
  const content = {
    request_type: 'query',
    canister_id: canisterId.toUint8Array(),
    method_name: 'get',
    arg: new Uint8Array(IDL.encode([], [])),
    sender: Uint8Array.of(4),
    ingress_expiry: BigInt(Date.now() + 60_000) * 1_000_000n,
  };
  const body = encodeCbor({ content });
  const res = await new Promise<Uint8Array>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: `/api/v2/canister/${canisterId.toText()}/query`,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/cbor' },
      },
      (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
  const answer = decodeCbor(res) as { reply?: { arg: Uint8Array } };
  if (answer.reply === undefined) throw new Error('fuzz: the counter query was not answered');
  return IDL.decode([IDL.Nat], answer.reply.arg)[0] as bigint;
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
