/**
 * Azle 0.33 APIs and protocols on tincan, through a canister written against Azle's exports
 * only (test/fixtures/azle-api.ts): `export default [A, B]`, candidEncode/Decode, json helpers,
 * idlToString, canisterVersion, isController, inReplicatedExecution, randSeed, chunk, raw calls,
 * Azle's call errors and the `azle/canisters/management/idl` module.
 */
import { Principal } from '@dfinity/principal';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestReplica } from '@tincan/testing';
import type { ActorOf, CanisterHandle } from '@tincan/replica';
import type azleApi from '../fixtures/azle-api.js';

/** `A | B` as `A & B`. */
type Both<U> = (U extends unknown ? (u: U) => void : never) extends (u: infer I) => void
  ? I
  : never;
/** The canister's methods: those of both classes of its `export default [Candid, System]`. */
type AzleApi = Both<InstanceType<(typeof azleApi)[number]>>;

const t = useTestReplica({}, { scope: 'file' });
let c: CanisterHandle;

beforeAll(async () => {
  c = await t.replica.deploy('test/fixtures/azle-api.ts');
});

const api = (): ActorOf<AzleApi> => t.replica.actor<AzleApi>(c);

describe('Azle APIs', () => {
  it('serves the methods of both classes of `export default [A, B]` as one interface', async () => {
    const did = c.candid;
    expect(did).toContain('candidRoundTrip');
    expect(did).toContain('chunked');
  });

  it('candidEncode infers types from the text and candidDecode prints them back', async () => {
    expect(await api().candidRoundTrip('(5 : nat, "hi", vec { 1 : nat8; 2 : nat8 })')).toBe(
      '(5 : nat, "hi", blob "\\01\\02")',
    );
    expect(await api().candidRoundTrip('(-3)')).toBe('(-3 : int)');
  });

  it('jsonStringify/jsonParse keep principals, bigints and byte arrays', async () => {
    expect(await api().json()).toBe('aaaaa-aa|5|2|true');
  });

  it('idlToString prints an IDL type as Candid', async () => {
    expect(await api().idlText()).toBe('record { age : nat8; name : text }\n');
  });

  it('canisterVersion grows with each settings change', async () => {
    const before = await api().version();
    t.replica.updateSettings(c, { freezingThresholdSeconds: 1234n });
    expect(await api().version()).toBe(before + 1n);
  });

  it('isController knows the controllers', async () => {
    expect(await api().controllers(Principal.anonymous())).toEqual([true, false]);
  });

  it('inReplicatedExecution is true in an update and in a query a canister calls, false in an ingress query', async () => {
    expect(await api().replicatedUpdate()).toBe(true);
    expect(await api().replicatedQuery()).toBe(false);
    expect(await api().replicatedViaCall()).toBe(true);
  });

  it('randSeed reseeds Math.random: equal seeds give equal streams', async () => {
    const a = await api().seeded(7);
    const b = await api().seeded(7);
    const other = await api().seeded(8);
    expect(a).toEqual(b);
    expect(a).not.toEqual(other);
    expect(a[0]).not.toBe(a[1]);
  });

  it('chunk continues the method in a new execution', async () => {
    expect(await api().chunked()).toBe(2n);
  });

  it('makes raw calls: raw argument bytes in, raw reply bytes out', async () => {
    expect(await api().rawSelf()).toBe(await api().version());
  });

  it('decodes a management reply with azle/canisters/management/idl', async () => {
    expect(await api().randomBytes()).toBe(32n);
  });

  it('a call the canister cannot pay fails with InsufficientLiquidCycleBalance before anything is sent', async () => {
    expect(await api().overdraft()).toBe(
      'InsufficientLiquidCycleBalance|true|true|insufficient liquid cycles balance',
    );
  });

  it("a rejected call fails with CallRejected and ic-cdk's message", async () => {
    expect(await api().rejected()).toBe('CallRejected|5|call rejected: 5 - ');
  });
});
