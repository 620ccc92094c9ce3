/**
 * Shared setup of the HTTP tests: a test replica on the wall clock (agents check certificate
 * and signature times against it) with the counter canister deployed, or a replica of two
 * subnets, and the HTTP interface on a random port of 127.0.0.1. Plus raw requests: anonymous
 * envelopes and CBOR posts.
 */
import { randomBytes } from 'node:crypto';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { encodeCbor } from '@tincan/certification';
import type { Clock } from '@tincan/replica';
import {
  createTestReplica,
  createTestSubnets,
  type TestReplica,
  type TestReplicaOptions,
  type TestSubnets,
} from '@tincan/testing';
import { startHttpServer, type HttpServer, type HttpServerOptions } from '@tincan/http';

/** The wall clock, as agents expect certified time to follow it. */
export const WALL_CLOCK = { nowNs: (): bigint => BigInt(Date.now()) * 1_000_000n };

/** A running replica with the counter, served over HTTP. */
export interface CounterOverHttp {
  readonly t: TestReplica;
  readonly server: HttpServer;
  readonly canisterId: Principal;
}

/** Options of {@link startCounterOverHttp}. */
export interface CounterOverHttpOptions {
  /** The replica's clock; the wall clock by default. */
  readonly clock?: Clock;
  /** Extra server options (key directory, clock, limits). */
  readonly server?: Omit<HttpServerOptions, 'replica'>;
  /** Extra replica options (instruction limits, …). */
  readonly replicaOptions?: Omit<TestReplicaOptions, 'clock'>;
}

/** Starts the replica, deploys the counter and starts the server. */
export async function startCounterOverHttp(
  options: CounterOverHttpOptions = {},
): Promise<CounterOverHttp> {
  const t = await createTestReplica({
    ...options.replicaOptions,
    clock: options.clock ?? WALL_CLOCK,
  });
  const canisterId = (await t.replica.deploy('canisters/counter/src/index.ts')).id;
  const server = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    ...options.server,
    replica: t.replica,
  });
  return { t, server, canisterId };
}

/** Stops what {@link startCounterOverHttp} started; tolerates a failed start. */
export async function stopCounterOverHttp(h: Partial<CounterOverHttp> | undefined): Promise<void> {
  await h?.server?.close();
  await h?.t?.dispose();
}

/** A running replica of two subnets, served over HTTP, and the canisters deployed before. */
export interface SubnetsOverHttp {
  readonly t: TestSubnets;
  readonly server: HttpServer;
  /** The ids of `canisters` of {@link startSubnetsOverHttp}, in the same order. */
  readonly canisters: readonly Principal[];
}

/**
 * Starts a replica of two subnets on the wall clock, deploys `canisters` (each a subnet index
 * and an entry file) and serves every subnet over HTTP, the root key being subnet 0's.
 */
export async function startSubnetsOverHttp(
  canisters: readonly (readonly [subnet: number, entry: string])[] = [],
): Promise<SubnetsOverHttp> {
  const t = await createTestSubnets({ clock: WALL_CLOCK });
  try {
    const ids: Principal[] = [];
    for (const [subnet, entry] of canisters) ids.push((await t.subnets.deploy(subnet, entry)).id);
    const server = await startHttpServer({
      replica: t.subnets.root,
      subnets: t.subnets,
      port: 0,
      host: '127.0.0.1',
    });
    return { t, server, canisters: ids };
  } catch (err) {
    // Nothing else holds the subnets yet: dispose them here so a failed start leaks nothing.
    await t.dispose();
    throw err;
  }
}

/** Stops what {@link startSubnetsOverHttp} started; tolerates a failed start. */
export async function stopSubnetsOverHttp(h: Partial<SubnetsOverHttp> | undefined): Promise<void> {
  await h?.server?.close();
  await h?.t?.dispose();
}

/** POSTs a CBOR body to the server. */
export function postCbor(server: HttpServer, path: string, body: Uint8Array): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/cbor' },
    body,
  });
}

/** Candid `(n : nat)`. */
export function natArg(n: bigint): Uint8Array {
  return new Uint8Array(IDL.encode([IDL.Nat], [n]));
}

/** The content of an anonymous request (unique by a random nonce), with `overrides` applied. */
export function anonymousContent(
  type: 'call' | 'query',
  canisterId: Principal,
  method: string,
  arg: Uint8Array,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    request_type: type,
    canister_id: canisterId.toUint8Array(),
    method_name: method,
    arg,
    sender: Uint8Array.of(4),
    ingress_expiry: BigInt(Date.now() + 3 * 60_000) * 1_000_000n,
    nonce: new Uint8Array(randomBytes(8)),
    ...overrides,
  };
}

/** An anonymous envelope for `content`, CBOR-encoded. */
export function envelope(content: Record<string, unknown>): Uint8Array {
  return encodeCbor({ content });
}

/** The counter's value, by a query on the replica (not over HTTP). */
export async function counterValue(h: CounterOverHttp): Promise<bigint> {
  const outcome = await h.t.replica.query(h.canisterId, 'get', new Uint8Array(IDL.encode([], [])));
  if (!('reply' in outcome)) throw new Error(`get was rejected: ${outcome.reject.message}`);
  return IDL.decode([IDL.Nat], outcome.reply)[0] as bigint;
}
