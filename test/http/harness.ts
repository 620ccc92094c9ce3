/**
 * Shared setup of the HTTP tests: a test replica on the wall clock (agents check certificate
 * and signature times against it) with the counter canister deployed, and the HTTP interface
 * on a random port of 127.0.0.1.
 */
import type { Principal } from '@dfinity/principal';
import { createTestReplica, type TestReplica } from '@tincan/testing';
import { startHttpServer, type HttpServer } from '@tincan/http';

/** The wall clock, as agents expect certified time to follow it. */
export const WALL_CLOCK = { nowNs: (): bigint => BigInt(Date.now()) * 1_000_000n };

/** A running replica with the counter, served over HTTP. */
export interface CounterOverHttp {
  readonly t: TestReplica;
  readonly server: HttpServer;
  readonly canisterId: Principal;
}

/** Starts the replica, deploys the counter and starts the server. */
export async function startCounterOverHttp(): Promise<CounterOverHttp> {
  const t = await createTestReplica({ clock: WALL_CLOCK });
  const canisterId = (await t.replica.deploy('canisters/counter/src/index.ts')).id;
  const server = await startHttpServer({ replica: t.replica, port: 0, host: '127.0.0.1' });
  return { t, server, canisterId };
}

/** Stops what {@link startCounterOverHttp} started; tolerates a failed start. */
export async function stopCounterOverHttp(h: Partial<CounterOverHttp> | undefined): Promise<void> {
  await h?.server?.close();
  await h?.t?.dispose();
}

/** POSTs a CBOR body to the server. */
export function postCbor(server: HttpServer, path: string, body: Uint8Array): Promise<Response> {
  return fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/cbor' }, body });
}
