/** The HTTP fuzz's client side: one POST with its status and time, the counter query, the server's RSS. */
import { readFileSync } from 'node:fs';
import { request, type Agent as HttpAgentPool } from 'node:http';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { decodeCbor, encodeCbor } from '@tincan/certification';
import type { FuzzRequest } from './fuzz-requests.js';

/** A request is cut off after this long. */
const CUTOFF_MS = 10_000;

/** POSTs one request; resolves with its status (0 on a failure) and duration. */
export function post(
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

/** The resident set size of process `pid`, in MiB (from /proc). */
export function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match?.[1] === undefined ? NaN : Number(match[1]) / 1024;
}

/** The counter canister's value, by an anonymous query over HTTP. */
export async function counter(
  url: URL,
  agent: HttpAgentPool,
  canisterId: Principal,
): Promise<bigint> {
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
