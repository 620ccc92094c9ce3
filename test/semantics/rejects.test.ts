/**
 * ICP semantics: the reject codes callers see — from ingress and, through `await call`, from
 * inside another canister — and Candid argument errors.
 */
import { IDL } from '@dfinity/candid';
import { beforeAll, describe, expect, it } from 'vitest';
import { CallRejectedError, useTestReplica } from '@tincan/testing';
import type { ActorOf, CanisterHandle } from '@tincan/replica';
import type SemanticsCallee from '../fixtures/semantics-callee.js';
import type SemanticsCaller from '../fixtures/semantics-caller.js';
import type SemanticsRollback from '../fixtures/semantics-rollback.js';
import { MISSING_CANISTER, encode, rejectOf } from './helpers.js';

const t = useTestReplica({}, { scope: 'file' });
let r: CanisterHandle;
let a: CanisterHandle;
let b: CanisterHandle;

beforeAll(async () => {
  r = await t.replica.deploy('test/fixtures/semantics-rollback.ts');
  a = await t.replica.deploy('test/fixtures/semantics-caller.ts');
  b = await t.replica.deploy('test/fixtures/semantics-callee.ts');
});

const rollback = (): ActorOf<SemanticsRollback> => t.replica.actor<SemanticsRollback>(r);
const caller = (): ActorOf<SemanticsCaller> => t.replica.actor<SemanticsCaller>(a);
const callee = (): ActorOf<SemanticsCallee> => t.replica.actor<SemanticsCallee>(b);

const counterOf = async (): Promise<string> =>
  (JSON.parse(await rollback().snapshot()) as { counter: string }).counter;

async function rejected(p: Promise<unknown>): Promise<CallRejectedError> {
  const err = await p.then(
    (v) => new Error(`expected a reject, got reply ${String(v)}`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CallRejectedError);
  return err as CallRejectedError;
}

describe('reject codes seen by an ingress caller', () => {
  it('trap → 5 CANISTER_ERROR, IC0503, with the trap text', async () => {
    // Catches: traps reported as 4 or without the canister's message.
    const before = await counterOf();
    const err = await rejected(rollback().boom());
    expect(err.rejectCode).toBe(5);
    expect(err.errorCode).toBe('IC0503');
    expect(err.rejectMessage).toContain('kaboom');
    expect(await counterOf()).toBe(before); // and the trap rolled back the increment
  });

  it('uncaught exception → 5 with the error message', async () => {
    // Catches: an uncaught throw escaping as a host error or a reply.
    const err = await rejected(rollback().mutateAllThenTrap());
    expect(err.rejectCode).toBe(5);
    expect(err.rejectMessage).toContain('mutated everything');
  });

  it("msgReject('no') → 4 CANISTER_REJECT with message 'no', and the execution commits", async () => {
    // Catches: explicit rejects mapped to CANISTER_ERROR or treated like a trap (rolled back).
    const before = BigInt(await counterOf());
    const err = await rejected(rollback().refuse());
    expect(err.rejectCode).toBe(4);
    expect(err.rejectMessage).toBe('no');
    expect(BigInt(await counterOf())).toBe(before + 1n);
  });

  it('a non-manual method that calls msgReject and returns traps (reply after reject), and rolls back', async () => {
    // Catches: the value returned after msgReject silently dropped, leaving the reject and the
    // state change in place, where ICP (and Azle, which replies on return) traps.
    const before = await counterOf();
    const err = await rejected(rollback().refuseThenReturn());
    expect(err.rejectCode).toBe(5);
    expect(err.rejectMessage).toContain('ic0.msg_reply: the call is already replied');
    expect(await counterOf()).toBe(before);
  });

  it('unknown canister → 3 DESTINATION_INVALID', async () => {
    // Catches: a missing canister reported as a canister error or thrown on the host.
    const out = await t.replica.update(MISSING_CANISTER, 'anything', encode([], []));
    expect(rejectOf(out).code).toBe(3);
  });

  it('unknown method → 5 with IC0536', async () => {
    // Catches: a missing method reported as 3/4, or running some default handler.
    const out = await t.replica.update(r.id, 'noSuchMethod', encode([], []));
    const rej = rejectOf(out);
    expect(rej.code).toBe(5);
    expect(rej.errorCode).toBe('IC0536');
    expect(rej.message).toContain('noSuchMethod');
  });

  it('a method that never replies and makes no call → 5 IC0506 "did not reply"', async () => {
    // Catches: a call context left open forever (the ingress call would hang).
    const before = BigInt(await counterOf());
    const err = await rejected(rollback().hang());
    expect(err.rejectCode).toBe(5);
    expect(err.errorCode).toBe('IC0506');
    expect(err.rejectMessage).toMatch(/did not reply/);
    expect(t.replica.runtime.openContexts(r.id.toUint8Array())).toBe(0);
    expect(BigInt(await counterOf())).toBe(before + 1n); // the execution itself committed
  });
});

describe('awaited call failures reach the calling canister as CallError', () => {
  it('callee trap → caller catches rejectCode 5 and replies normally', async () => {
    // Catches: a callee trap that propagates as a trap of the caller instead of a catchable error.
    const caught = (await callerState()).caught;
    const result = await caller().probe(b.id, 'failTrap');
    const [kind, code, message] = result.split('|');
    expect(kind).toBe('CallError');
    expect(code).toBe('5');
    expect(message).toContain('callee exploded');
    expect((await callerState()).caught).toBe(caught + 1n);
    expect(await callee().get()).toBe(0n); // the callee's trap rolled back its +1000
  });

  it("callee msgReject('no') → caller catches rejectCode 4 with message 'no'", async () => {
    // Catches: explicit rejects losing their code or message on the way back.
    expect(await caller().probe(b.id, 'failReject')).toBe('CallError|4|no');
    expect(await caller().probe(b.id, 'noSuchMethod')).toMatch(/^CallError\|5\|/); // unknown method → 5
  });

  it('calling a nonexistent canister → caller catches rejectCode 3', async () => {
    // Catches: a call to a missing canister that hangs or traps the caller.
    expect(await caller().probe(MISSING_CANISTER, 'anything')).toMatch(/^CallError\|3\|/);
  });
});

describe('Candid argument errors', () => {
  it('undecodable bytes → 5 mentioning Candid, state untouched', async () => {
    // Catches: garbage bytes decoded leniently or crashing the host.
    const before = await callee().get();
    const rej = rejectOf(await t.replica.update(b.id, 'add', new Uint8Array([1, 2, 3])));
    expect(rej.code).toBe(5);
    expect(rej.message).toMatch(/candid/i);
    expect(await callee().get()).toBe(before);
  });

  it('a Text where Nat is expected → 5 mentioning the arguments, state untouched', async () => {
    // Catches: type-mismatched arguments coerced instead of rejected.
    const before = await callee().get();
    const rej = rejectOf(await t.replica.update(b.id, 'add', encode([IDL.Text], ['12'])));
    expect(rej.code).toBe(5);
    expect(rej.message).toMatch(/candid|argument/i);
    expect(await callee().get()).toBe(before);
  });

  it('missing arguments → 5, state untouched', async () => {
    // Catches: absent Nat arguments decoded as undefined and then used.
    const before = await callee().get();
    const rej = rejectOf(await t.replica.update(b.id, 'add', encode([], [])));
    expect(rej.code).toBe(5);
    expect(await callee().get()).toBe(before);
  });
});

async function callerState(): Promise<{ caught: bigint }> {
  return caller().state();
}
