/**
 * One subnet's XNet state in its own store (meta rows under `xnet/`), so streams survive a
 * restart: the messages it sends each other subnet and their indexes, how far it has handled
 * each stream it receives, and the calls it sent out and awaits.
 *
 * Writes that must be atomic with an execution go into the batch's transaction: an inducted
 * request taken to be executed ({@link StreamStore.inBatch}, which opens it), a request routed
 * out and an answer to an inducted request ({@link StreamStore.write}, into the open one). Writes that may lag (dropping acknowledged messages) wait for
 * the next transaction ({@link StreamStore.later}); losing them in a crash only means a message
 * the receiver has handled is sent again, and skipped.
 *
 * Canister continuations do not survive a restart: the runtime's recovery answers every call
 * context open at the restart and refunds every outstanding call. So a request from before
 * the restart still runs (once), without the cycles its caller got back, and a response to a
 * call from before it is dropped when it arrives.
 */
import type { StateStore } from '@tincan/runtime';
import { decodeStreamMessage, encodeStreamMessage } from './stream-message.js';

const OUT = 'xnet/out/';
const NEXT = 'xnet/next/';
const IN = 'xnet/in/';
const CALL = 'xnet/call/';
const NEXT_CALL = 'xnet/next-call';

/** How far a subnet has handled a stream it receives: every index below `done`, and those in `above`. */
export interface Handled {
  done: number;
  readonly above: Set<number>;
}

/** What a subnet's store held at open. */
export interface SavedStreams {
  /** Unacknowledged messages by receiving subnet: the index of the first, and the messages. */
  readonly out: Map<number, { begin: number; messages: Uint8Array[] }>;
  readonly handled: Map<number, Handled>;
  /** Calls sent out and not answered yet: call id to the subnet they went to. */
  readonly calls: Map<number, number>;
  readonly nextCallId: number;
}

const text = new TextEncoder();
const untext = new TextDecoder();
/** Fixed width, so the store lists a stream's messages in index order. */
const pad = (index: number): string => index.toString().padStart(15, '0');

/** A subnet's XNet rows in its store. */
export class StreamStore {
  readonly #store: StateStore;
  #later: Array<() => void> = [];
  #closed = false;

  constructor(store: StateStore) {
    this.#store = store;
  }

  /**
   * Reads what the store holds, at open. The caller of a request from before the restart got
   * its cycles back from the runtime's recovery (its continuation is gone): such a request
   * goes on without them, rewritten so.
   */
  resume(): SavedStreams {
    const saved = this.load();
    const stripped: Array<[number, number, Uint8Array]> = [];
    for (const [to, stream] of saved.out) {
      stream.messages.forEach((bytes, i) => {
        const message = decodeStreamMessage(bytes);
        if (message.kind !== 'request' || message.cycles === 0n) return;
        const again = encodeStreamMessage({ ...message, cycles: 0n });
        stream.messages[i] = again;
        stripped.push([to, stream.begin + i, again]);
      });
    }
    if (stripped.length > 0)
      this.now(() => {
        for (const [to, index, bytes] of stripped) this.putMessage(to, index, bytes);
      });
    return saved;
  }

  /** Reads what the store holds. */
  load(): SavedStreams {
    const out = new Map<number, { begin: number; messages: Uint8Array[] }>();
    for (const [key, value] of this.#store.listMeta(NEXT)) {
      const to = Number(key.slice(NEXT.length));
      out.set(to, { begin: Number(untext.decode(value)), messages: [] });
    }
    for (const [key, value] of this.#store.listMeta(OUT)) {
      const [to, index] = key.slice(OUT.length).split('/').map(Number) as [number, number];
      const stream = out.get(to) ?? { begin: index, messages: [] };
      if (stream.messages.length === 0) stream.begin = index;
      stream.messages.push(value);
      out.set(to, stream);
    }
    const handled = new Map<number, Handled>();
    for (const [key, value] of this.#store.listMeta(IN)) {
      const saved = JSON.parse(untext.decode(value)) as { done: number; above: number[] };
      handled.set(Number(key.slice(IN.length)), { done: saved.done, above: new Set(saved.above) });
    }
    const calls = new Map<number, number>();
    for (const [key, value] of this.#store.listMeta(CALL))
      calls.set(Number(key.slice(CALL.length)), Number(untext.decode(value)));
    const next = this.#store.getMeta(NEXT_CALL);
    return {
      out,
      handled,
      calls,
      nextCallId: next === undefined ? 0 : Number(untext.decode(next)),
    };
  }

  /**
   * Runs `write` inside the open batch's transaction (opening it when the batch has none yet:
   * the batch commits it). Only from inside `Runtime.runBatch`.
   */
  inBatch(write: () => void): void {
    if (this.#closed) return;
    if (!this.#store.inTransaction) this.#store.begin();
    this.#flushLater();
    write();
  }

  /**
   * Runs `write` in the open transaction (a batch's: a request routed out, an answer), or in
   * one of its own when none is open (an answer given outside a batch, by `uninstall_code`
   * say, before its own transaction).
   */
  write(write: () => void): void {
    this.now(write);
  }

  /** Runs `write` in a transaction of its own, or in the open one. */
  now(write: () => void): void {
    if (this.#closed) return;
    if (this.#store.inTransaction) {
      this.#flushLater();
      write();
      return;
    }
    this.#store.begin();
    try {
      this.#flushLater();
      write();
      this.#store.commit();
    } catch (err) {
      this.#store.rollback();
      throw err;
    }
  }

  /** Keeps `write` for the next transaction. */
  later(write: () => void): void {
    this.#later.push(write);
  }

  /** Writes what waits for a transaction, then writes nothing more (the store is closing). */
  close(): void {
    if (this.#later.length > 0) this.now(() => undefined);
    this.#closed = true;
  }

  putMessage(to: number, index: number, message: Uint8Array): void {
    this.#store.putMeta(`${OUT}${to}/${pad(index)}`, message);
    this.#store.putMeta(`${NEXT}${to}`, text.encode(String(index + 1)));
  }

  deleteMessage(to: number, index: number): void {
    this.#store.deleteMeta(`${OUT}${to}/${pad(index)}`);
  }

  putHandled(from: number, handled: Handled): void {
    const saved = { done: handled.done, above: [...handled.above] };
    this.#store.putMeta(`${IN}${from}`, text.encode(JSON.stringify(saved)));
  }

  putCall(callId: number, to: number, nextCallId: number): void {
    this.#store.putMeta(`${CALL}${callId}`, text.encode(String(to)));
    this.#store.putMeta(NEXT_CALL, text.encode(String(nextCallId)));
  }

  deleteCall(callId: number): void {
    this.#store.deleteMeta(`${CALL}${callId}`);
  }

  #flushLater(): void {
    const later = this.#later;
    this.#later = [];
    for (const write of later) write();
  }
}

/** Marks stream index `index` handled; returns false when it already was. */
export function markHandled(handled: Handled, index: number): boolean {
  if (index < handled.done || handled.above.has(index)) return false;
  if (index === handled.done) {
    handled.done++;
    while (handled.above.delete(handled.done)) handled.done++;
  } else handled.above.add(index);
  return true;
}
