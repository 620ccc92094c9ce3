/**
 * Helpers of the semantics tests: submitting ingress calls to the synchronous runtime so a test
 * can run exactly one message execution at a time, and decoding outcomes.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { expect } from 'vitest';
import {
  CallRejectedError,
  type CanisterHandle,
  type Outcome,
  type Replica,
} from '@tincan/replica';
import type Channels from '../fixtures/channels.js';

/** The class of `test/fixtures/channels.ts`, to type its actors: `replica.actor<Channels>(id)`. */
export type { Channels };

/** An ingress call submitted straight to the runtime; `outcome` is set once it is answered. */
export interface Submitted {
  readonly outcome: Outcome | undefined;
}

/**
 * Queues an update call without waking the replica's driver: nothing runs until the test
 * calls `replica.runtime.step()`.
 */
export function submit(
  replica: Replica,
  canister: Principal,
  method: string,
  types: IDL.Type[] = [],
  args: unknown[] = [],
  caller: Principal = Principal.anonymous(),
): Submitted {
  const holder: { outcome: Outcome | undefined } = { outcome: undefined };
  replica.runtime.submit(
    {
      canisterId: canister.toUint8Array(),
      method,
      arg: new Uint8Array(IDL.encode(types, args)),
      caller: caller.toUint8Array(),
    },
    (outcome) => {
      if (holder.outcome !== undefined) throw new Error(`call to ${method} answered twice`);
      holder.outcome = outcome;
    },
  );
  return holder;
}

/** Runs exactly one message execution; fails the test if nothing was pending. */
export function stepOnce(replica: Replica): void {
  if (!replica.runtime.step()) throw new Error('step(): nothing was pending');
}

/** The single decoded value of a reply; throws with the reject if it was one. */
export function replyValue(outcome: Outcome | undefined, type: IDL.Type): unknown {
  if (outcome === undefined) throw new Error('the call has not been answered yet');
  if ('reject' in outcome)
    throw new Error(
      `expected a reply, got reject ${outcome.reject.code}: ${outcome.reject.message}`,
    );
  return IDL.decode([type], outcome.reply)[0];
}

/** The reject of an outcome; throws if it was a reply. */
export function rejectOf(outcome: Outcome | undefined): {
  code: number;
  message: string;
  errorCode?: string;
} {
  if (outcome === undefined) throw new Error('the call has not been answered yet');
  if (!('reject' in outcome)) throw new Error('expected a reject, got a reply');
  return outcome.reject;
}

/** Candid encoding, as an actor would send it. */
export function encode(types: IDL.Type[], args: unknown[]): Uint8Array {
  return new Uint8Array(IDL.encode(types, args));
}

/** A canister-shaped principal that no replica in these tests creates. */
export const MISSING_CANISTER = Principal.fromUint8Array(
  new Uint8Array([0, 0, 0, 0, 0, 0x0f, 0x42, 0x40, 1, 1]),
);

/** How `test/fixtures/channels.ts`'s `relay` makes its call (its third argument). */
export type RelayOptions = Parameters<Channels['relay']>[2];

/** What `test/fixtures/channels.ts`'s `state` reports (its JSON, parsed). */
export interface ChannelState {
  received: string;
  worked: string;
  deepest: number;
  last: string;
  records: string[];
}

/** The state of a `test/fixtures/channels.ts` canister, read with its `state` query. */
export async function channelState(
  replica: Replica,
  canister: CanisterHandle | Principal,
): Promise<ChannelState> {
  return JSON.parse(await replica.actor<Channels>(canister).state()) as ChannelState;
}

/** What `test/fixtures/channels.ts`'s `relay` reports about the call it made. */
export interface Relayed {
  reply?: string | null;
  code?: number;
  type?: string;
  message?: string;
  refunded: string;
}

/** Awaits a typed-actor call that must be rejected, and returns its `CallRejectedError`. */
export async function rejectedCall(p: Promise<unknown>): Promise<CallRejectedError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CallRejectedError);
  return err as CallRejectedError;
}
