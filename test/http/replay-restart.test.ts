/**
 * Replay protection across a restart: the identical signed request bytes, sent again after the
 * replica restarted on the same state directory (within their ingress_expiry), are answered
 * from the kept status and never executed a second time; read_state still certifies the status
 * (checked with @dfinity/agent's Certificate against the root key kept beside the state).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Certificate, lookupResultToBuffer } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { concatBytes, decodeCbor, encodeCbor, requestId, utf8 } from '@tincan/certification';
import { startHttpServer, type HttpServer } from '@tincan/http';
import { LiveClock } from '@tincan/replica';
import { createTestReplica } from '@tincan/testing';
import {
  counterValue,
  natArg,
  postCbor,
  stopCounterOverHttp,
  WALL_CLOCK,
  type CounterOverHttp,
} from './harness.js';

let h: CounterOverHttp | undefined;
afterEach(async () => {
  await stopCounterOverHttp(h);
  h = undefined;
});

/** The counter on a file-backed replica, served with the HTTP keys kept in its state directory. */
async function start(clock: LiveClock | typeof WALL_CLOCK = WALL_CLOCK): Promise<CounterOverHttp> {
  const t = await createTestReplica({ clock });
  const canisterId = (await t.replica.deploy('canisters/counter/src/index.ts')).id;
  return {
    t,
    canisterId,
    server: await startHttpServer({ replica: t.replica, stateDir: t.stateDir }),
  };
}

/** Closes the server, restarts the replica on the same state directory, serves it again. */
async function restart(c: CounterOverHttp): Promise<CounterOverHttp> {
  await c.server.close();
  await c.t.restart();
  return { ...c, server: await startHttpServer({ replica: c.t.replica, stateDir: c.t.stateDir }) };
}

const identity = Ed25519KeyIdentity.generate();
const sender = identity.getPrincipal().toUint8Array();

/** The CBOR bytes of `content` signed by the test identity, as an agent sends them. */
async function signedBytes(content: Record<string, unknown>): Promise<Uint8Array> {
  const signature = await identity.sign(
    concatBytes(concatBytes(Uint8Array.of(0x0a), utf8('ic-request')), requestId(content)),
  );
  return encodeCbor({
    content,
    sender_pubkey: new Uint8Array(identity.getPublicKey().toDer()),
    sender_sig: new Uint8Array(signature),
  });
}

/** Sends the exact bytes as a v3 (synchronous) call; returns the HTTP status and body. */
async function sendCall(
  server: HttpServer,
  c: CounterOverHttp,
  bytes: Uint8Array,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await postCbor(server, `/api/v3/canister/${c.canisterId.toText()}/call`, bytes);
  return {
    status: res.status,
    body: decodeCbor(new Uint8Array(await res.arrayBuffer())) as Record<string, unknown>,
  };
}

/** The certified status and reply of `id`, read by the sender with a signed read_state. */
async function certifiedStatus(
  server: HttpServer,
  c: CounterOverHttp,
  id: Uint8Array,
): Promise<{ status: string; reply: unknown }> {
  const content = {
    request_type: 'read_state',
    paths: [[utf8('request_status'), id]],
    sender,
    ingress_expiry: BigInt(Date.now() + 60_000) * 1_000_000n,
  };
  const res = await postCbor(
    server,
    `/api/v2/canister/${c.canisterId.toText()}/read_state`,
    await signedBytes(content),
  );
  expect(res.status).toBe(200);
  const { certificate } = decodeCbor(new Uint8Array(await res.arrayBuffer())) as {
    certificate: Uint8Array;
  };
  const cert = await Certificate.create({
    certificate,
    rootKey: server.rootKey,
    canisterId: c.canisterId,
  });
  const status = new TextDecoder().decode(
    lookupResultToBuffer(cert.lookup_path(['request_status', id, 'status'])),
  );
  const reply = lookupResultToBuffer(cert.lookup_path(['request_status', id, 'reply']));
  return { status, reply: reply === undefined ? undefined : IDL.decode([IDL.Nat], reply)[0] };
}

describe('the same signed call before and after a restart', () => {
  it('executes once: the resend after the restart gets the kept status, and read_state still certifies it', async () => {
    const c = (h = await start());
    const content = {
      request_type: 'call',
      canister_id: c.canisterId.toUint8Array(),
      method_name: 'add',
      arg: natArg(7n),
      sender,
      ingress_expiry: BigInt(Date.now() + 4 * 60_000) * 1_000_000n,
      nonce: Uint8Array.of(1, 2, 3, 4),
    };
    const bytes = await signedBytes(content);
    const id = requestId(content);
    const before = await counterValue(c);

    const first = await sendCall(c.server, c, bytes);
    expect(first).toMatchObject({ status: 200, body: { status: 'replied' } });
    expect(await counterValue(c)).toBe(before + 7n);
    // Without a restart, repeats are answered from memory.
    for (let i = 0; i < 3; i++) expect((await sendCall(c.server, c, bytes)).status).toBe(200);
    expect(await counterValue(c)).toBe(before + 7n);

    const rootKey = c.server.rootKey;
    const r = (h = await restart(c));
    const restarted = r.server;
    expect(restarted.rootKey).toEqual(rootKey);

    const again = await sendCall(restarted, c, bytes);
    expect(again).toMatchObject({ status: 200, body: { status: 'replied' } });
    const v2 = await postCbor(restarted, `/api/v2/canister/${c.canisterId.toText()}/call`, bytes);
    expect(v2.status).toBe(202);
    await c.t.replica.idle();
    // The counter proves it: the add ran once, before the restart.
    expect(await counterValue(c)).toBe(before + 7n);
    expect(await certifiedStatus(restarted, c, id)).toEqual({
      status: 'replied',
      reply: before + 7n,
    });
  });

  it('executes once when the replica time was moved an hour past the request expiry', async () => {
    // The interface checks the expiry by host time; the replica keeps the answer until the
    // expiry in its own time (an hour later), so the restart's pruning does not drop it.
    const clock = new LiveClock();
    const c = (h = await start(clock));
    await c.t.replica.advanceTime(3_600_000);
    const content = {
      request_type: 'call',
      canister_id: c.canisterId.toUint8Array(),
      method_name: 'add',
      arg: natArg(3n),
      sender,
      ingress_expiry: BigInt(Date.now() + 4 * 60_000) * 1_000_000n,
      nonce: Uint8Array.of(9),
    };
    const bytes = await signedBytes(content);
    const before = await counterValue(c);
    expect(await sendCall(c.server, c, bytes)).toMatchObject({
      status: 200,
      body: { status: 'replied' },
    });
    const r = (h = await restart(c));
    expect(await sendCall(r.server, c, bytes)).toMatchObject({
      status: 200,
      body: { status: 'replied' },
    });
    await c.t.replica.idle();
    expect(await counterValue(c)).toBe(before + 3n);
    expect(await certifiedStatus(r.server, c, requestId(content))).toEqual({
      status: 'replied',
      reply: before + 3n,
    });
  });

  it('executes a different request (a new nonce) after the restart as usual', async () => {
    const c = (h = await start());
    const base = {
      request_type: 'call',
      canister_id: c.canisterId.toUint8Array(),
      method_name: 'add',
      arg: natArg(1n),
      sender,
      ingress_expiry: BigInt(Date.now() + 4 * 60_000) * 1_000_000n,
    };
    const before = await counterValue(c);
    expect(
      (await sendCall(c.server, c, await signedBytes({ ...base, nonce: Uint8Array.of(1) }))).status,
    ).toBe(200);
    const r = (h = await restart(c));
    expect(
      (await sendCall(r.server, c, await signedBytes({ ...base, nonce: Uint8Array.of(2) }))).status,
    ).toBe(200);
    expect(await counterValue(c)).toBe(before + 2n);
  });
});
