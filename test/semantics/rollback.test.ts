/**
 * ICP semantics: a trapped execution leaves no trace, and the heap is rolled back in
 * place (references held by suspended continuations see the rolled-back contents). Also: heap
 * values that cannot be persisted make the execution trap instead of corrupting state.
 */
import { IDL } from '@dfinity/candid';
import { beforeEach, describe, expect, it } from 'vitest';
import { CallRejectedError, useTestReplica } from '@tincan/testing';
import type { CanisterHandle } from '@tincan/replica';
import type SemanticsRollback from '../fixtures/semantics-rollback.js';
import { rejectOf, rejectedCall, replyValue, stepOnce, submit } from './helpers.js';

const t = useTestReplica();
let r: CanisterHandle;
let b: CanisterHandle;

const INITIAL = {
  counter: '0',
  history: [],
  items: ['seed'],
  map: [['a', '1']],
  set: ['x'],
  nested: { level1: { level2: { value: 1, tags: ['t'] } } },
  bytes: [1, 2, 3],
  date: 0,
  added: null,
  handler: 'undefined',
  holder: 'string',
};

beforeEach(async () => {
  b = await t.replica.deploy('test/fixtures/semantics-callee.ts');
  r = await t.replica.deploy('test/fixtures/semantics-rollback.ts');
});

const snapshot = async (): Promise<unknown> =>
  JSON.parse(await t.replica.actor<SemanticsRollback>(r).snapshot()) as unknown;

describe('rollback of a trapped execution', () => {
  it('restores array, Map, Set, nested object, Uint8Array, Date and primitive fields', async () => {
    // Catches: a rollback that misses in-place mutations of nested/collection objects or new fields.
    expect(await snapshot()).toEqual(INITIAL);
    await expect(t.replica.actor<SemanticsRollback>(r).mutateAllThenTrap()).rejects.toMatchObject({
      rejectCode: 5,
      rejectMessage: expect.stringContaining('mutated everything') as unknown,
    });
    expect(await snapshot()).toEqual(INITIAL);
  });

  it('rolls back in place: a continuation holding references sees the rolled-back contents', async () => {
    // Catches: a rollback that swaps in decoded copies, leaving held references with the trapped changes.
    const { replica } = t;
    const held = submit(replica, r.id, 'holdRefs', [IDL.Principal], [b.id]);
    stepOnce(replica); // holdRefs first half: takes the references, sends the call
    const doomed = submit(replica, r.id, 'mutateAllThenTrap');
    stepOnce(replica); // B.add
    stepOnce(replica); // mutateAllThenTrap: mutates the very objects holdRefs holds, then traps
    expect(rejectOf(doomed.outcome).code).toBe(5);
    expect(held.outcome).toBeUndefined();
    stepOnce(replica); // holdRefs continuation
    expect(JSON.parse(replyValue(held.outcome, IDL.Text) as string) as unknown).toEqual({
      items: ['seed'],
      map: ['a'],
      set: ['x'],
      value: 1,
      tags: ['t'],
      bytes: [1, 2, 3],
      date: 0,
      same: true,
    });
    expect(await snapshot()).toEqual(INITIAL);
  });

  it('a rolled-back execution can be followed by normal commits on the same objects', async () => {
    // Catches: a rollback that leaves objects detached from the heap, so later writes are lost.
    const actor = t.replica.actor<SemanticsRollback>(r);
    await expect(actor.mutateAllThenTrap()).rejects.toBeInstanceOf(CallRejectedError);
    expect(await actor.record(2n)).toBe(2n);
    await expect(actor.mutateAllThenTrap()).rejects.toBeInstanceOf(CallRejectedError);
    expect(await actor.record(4n)).toBe(6n);
    expect(await snapshot()).toEqual({ ...INITIAL, counter: '6', history: ['2', '4'] });
  });
});

describe('heap values that cannot be persisted', () => {
  it('storing a function traps with the field path, and state stays as before', async () => {
    // Catches: silently dropping the function (state diverges on restart) or a vague error.
    const actor = t.replica.actor<SemanticsRollback>(r);
    expect(await actor.record(2n)).toBe(2n);
    const err = await rejectedCall(actor.storeFunction());
    expect(err.rejectCode).toBe(5);
    expect(err.rejectMessage).toContain('this.handler');
    expect(err.rejectMessage).toMatch(/function/);
    expect(await snapshot()).toEqual({ ...INITIAL, counter: '2', history: ['2'] });
  });

  it('storing a Promise in a nested field traps naming the nested path', async () => {
    // Catches: persisting a Promise as an empty object, or reporting the wrong path.
    const err = await rejectedCall(t.replica.actor<SemanticsRollback>(r).storePromise());
    expect(err.rejectCode).toBe(5);
    expect(err.rejectMessage).toContain('this.holder.inner');
    expect(err.rejectMessage).toMatch(/Promise/);
    expect(await snapshot()).toEqual(INITIAL);
  });

  it('the failed state is not persisted across a restart either', async () => {
    // Catches: a store transaction committed before the heap encoding failed.
    await t.replica
      .actor<SemanticsRollback>(r)
      .storeFunction()
      .catch(() => undefined);
    const replica = await t.restart();
    expect(JSON.parse(await replica.actor<SemanticsRollback>(r).snapshot()) as unknown).toEqual(
      INITIAL,
    );
  });
});
