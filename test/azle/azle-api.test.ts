/**
 * Azle 0.33 APIs and protocols on tincan, through a canister written against Azle's exports
 * only (test/fixtures/azle-api.ts): `export default [A, B]`, candidEncode/Decode, json helpers,
 * idlToString, canisterVersion, isController, inReplicatedExecution, randSeed, chunk, raw calls,
 * Azle's call errors and the `azle/canisters/management/idl` module.
 */
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestReplica, type TestReplica } from '@tincan/testing';
import type { CanisterHandle } from '@tincan/replica';

let t: TestReplica;
let c: CanisterHandle;

beforeAll(async () => {
  t = await createTestReplica();
  c = await t.replica.deploy('test/fixtures/azle-api.ts');
});
afterAll(async () => {
  await t.dispose();
});

describe('Azle APIs', () => {
  it('serves the methods of both classes of `export default [A, B]` as one interface', async () => {
    const did = c.candid;
    expect(did).toContain('candidRoundTrip');
    expect(did).toContain('chunked');
  });

  it('candidEncode infers types from the text and candidDecode prints them back', async () => {
    expect(
      await t.replica.actor<any>(c).candidRoundTrip('(5 : nat, "hi", vec { 1 : nat8; 2 : nat8 })'),
    ).toBe('(5 : nat, "hi", blob "\\01\\02")');
    expect(await t.replica.actor<any>(c).candidRoundTrip('(-3)')).toBe('(-3 : int)');
  });

  it('jsonStringify/jsonParse keep principals, bigints and byte arrays', async () => {
    expect(await t.replica.actor<any>(c).json()).toBe('aaaaa-aa|5|2|true');
  });

  it('idlToString prints an IDL type as Candid', async () => {
    expect(await t.replica.actor<any>(c).idlText()).toBe('record { age : nat8; name : text }\n');
  });

  it('canisterVersion grows with each settings change', async () => {
    const before = (await t.replica.actor<any>(c).version()) as bigint;
    t.replica.updateSettings(c, { freezingThresholdSeconds: 1234n });
    expect((await t.replica.actor<any>(c).version()) as bigint).toBe(before + 1n);
  });

  it('isController knows the controllers', async () => {
    expect(await t.replica.actor<any>(c).controllers(Principal.anonymous())).toEqual([true, false]);
  });

  it('inReplicatedExecution is true in an update and in a query a canister calls, false in an ingress query', async () => {
    expect(await t.replica.actor<any>(c).replicatedUpdate()).toBe(true);
    expect(await t.replica.actor<any>(c).replicatedQuery()).toBe(false);
    expect(await t.replica.actor<any>(c).replicatedViaCall()).toBe(true);
  });

  it('randSeed reseeds Math.random: equal seeds give equal streams', async () => {
    const a = (await t.replica.actor<any>(c).seeded(7)) as number[];
    const b = (await t.replica.actor<any>(c).seeded(7)) as number[];
    const other = (await t.replica.actor<any>(c).seeded(8)) as number[];
    expect(a).toEqual(b);
    expect(a).not.toEqual(other);
    expect(a[0]).not.toBe(a[1]);
  });

  it('chunk continues the method in a new execution', async () => {
    expect(await t.replica.actor<any>(c).chunked()).toBe(2n);
  });

  it('makes raw calls: raw argument bytes in, raw reply bytes out', async () => {
    expect(await t.replica.actor<any>(c).rawSelf()).toBe(await t.replica.actor<any>(c).version());
  });

  it('decodes a management reply with azle/canisters/management/idl', async () => {
    expect(await t.replica.actor<any>(c).randomBytes()).toBe(32n);
  });

  it('a call the canister cannot pay fails with InsufficientLiquidCycleBalance before anything is sent', async () => {
    expect(await t.replica.actor<any>(c).overdraft()).toBe(
      'InsufficientLiquidCycleBalance|true|true|insufficient liquid cycles balance',
    );
  });

  it("a rejected call fails with CallRejected and ic-cdk's message", async () => {
    expect(await t.replica.actor<any>(c).rejected()).toBe('CallRejected|5|call rejected: 5 - ');
  });
});
