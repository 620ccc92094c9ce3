/**
 * The XNet layer between the subnets of one replica. A canister's request for a canister of
 * another subnet leaves its runtime (`SubnetRouting.routeOut`) once picked, and joins the
 * stream from its subnet to the other. Streams carry requests and the responses to requests
 * that came the other way, in order. After the sending subnet's batch has committed, a flush
 * certifies each stream's unacknowledged messages as a slice (`stream-slice.ts`); the receiver
 * verifies the slice against the sender's delegated key before it inducts a message, skips
 * what it inducted already, and acknowledges up to where it got. A refused slice is kept and
 * sent again at the next flush: nothing is lost, nothing runs twice.
 *
 * Streams are durable (`stream-store.ts`): the sender keeps a message until the receiver has
 * handled it (executed, in a commit), so a restart resumes every stream where it was.
 */
import { fromHex } from '@tincan/bytes';
import { ensureError } from '@tincan/errors';
import type { Delegation, RootKey } from '@tincan/certification';
import type { Outcome, ReplyTarget, RouteResult, SubnetRouting } from '@tincan/runtime';
import type { Replica } from '../replica.js';
import type { DelegatedKey } from './delegation.js';
import type { Bls } from './fast-bls.js';
import { certifySlice, verifySlice } from './stream-slice.js';
import { decodeStreamMessage, encodeStreamMessage, type StreamMessage } from './stream-message.js';
import { canisterIdOnSubnet, subnetOfId, type CanisterRange } from './topology.js';
import {
  MAX_XNET_PAYLOAD_BYTES,
  inductionProblem,
  payloadTooLarge,
  type RefusedSlice,
} from './stream-checks.js';
import { StreamStore, markHandled, type Handled } from './stream-store.js';

export { MAX_XNET_PAYLOAD_BYTES, type RefusedSlice };
/** Messages per certified slice at most; the rest go in the next one. */
const MAX_SLICE_MESSAGES = 1_000;

/** One subnet as the XNet layer sees it. */
export interface XNetSubnet {
  readonly id: Uint8Array;
  readonly key: RootKey;
  /** The root's delegation to this subnet; undefined for the root subnet (0). */
  readonly delegation: Delegation | undefined;
  readonly ranges: readonly CanisterRange[];
}

interface OutStream {
  /** Stream index of `messages[0]`: everything before it was handled by the receiver. */
  begin: number;
  readonly messages: Uint8Array[];
  /** Index of the first message the receiver has not inducted yet: a flush sends from here. */
  sent: number;
}

interface PendingCall {
  readonly to: number;
  /** Undefined for a call from before a restart: its callback is gone, its cycles refunded. */
  readonly replyTo: ReplyTarget | undefined;
}

/** Streams between the subnets of one replica. */
export class XNet {
  readonly #subnets: readonly XNetSubnet[];
  readonly #replicas: Replica[] = [];
  readonly #nowNs: () => bigint;
  readonly #bls: Bls;
  /** Streams by `from * count + to`. */
  readonly #out = new Map<number, OutStream>();
  /** The next index each receiver inducts, by `from * count + to`. */
  readonly #expected = new Map<number, number>();
  /** What each receiver has handled (executed, or answered), by `from * count + to`. */
  readonly #handled = new Map<number, Handled>();
  /** Calls each subnet sent out and awaits a response to, by call id. */
  readonly #calls: Map<number, PendingCall>[];
  readonly #delegations = new Map<string, DelegatedKey>();
  /** Each subnet's store of its streams; absent until its runtime has opened. */
  readonly #stores: (StreamStore | undefined)[] = [];
  readonly #nextCallId: number[];
  #scheduled = false;
  #closed = false;
  /** Slices refused so far (newest last), for logs and tests. */
  readonly refused: RefusedSlice[] = [];
  /**
   * Sees every certified slice on its way to the receiver and may replace it: tests use it to
   * tamper with a certificate. Unset in normal operation.
   */
  intercept: ((from: number, to: number, slice: Uint8Array) => Uint8Array) | undefined;

  constructor(subnets: readonly XNetSubnet[], nowNs: () => bigint, bls: Bls) {
    this.#subnets = subnets;
    this.#nowNs = nowNs;
    this.#bls = bls;
    this.#calls = subnets.map(() => new Map<number, PendingCall>());
    this.#nextCallId = subnets.map(() => 0);
  }

  /** Connects subnet `index`'s replica (created with {@link routing}). */
  attach(index: number, replica: Replica): void {
    this.#replicas[index] = replica;
    // Streams kept from before a restart wait until both their ends are attached.
    if (this.pending) this.#schedule();
  }

  /** The runtime option of subnet `index`: its id range and its route to the others. */
  routing(index: number): SubnetRouting {
    return {
      canisterId: (n) => canisterIdOnSubnet(index, n),
      routeOut: (request) => this.#routeOut(index, request),
      opened: (store) => this.#open(index, new StreamStore(store)),
    };
  }

  /** Takes up subnet `index`'s streams where its store left them. */
  #open(index: number, store: StreamStore): void {
    this.#stores[index] = store;
    const count = this.#subnets.length;
    const saved = store.resume();
    this.#nextCallId[index] = saved.nextCallId;
    for (const [callId, to] of saved.calls)
      this.#calls[index]?.set(callId, { to, replyTo: undefined });
    for (const [from, handled] of saved.handled) {
      this.#handled.set(from * count + index, handled);
      this.#expected.set(from * count + index, handled.done);
    }
    for (const [to, { begin, messages }] of saved.out)
      this.#out.set(index * count + to, { begin, messages, sent: begin });
    if (saved.out.size > 0) this.#schedule();
  }

  /** Whether a stream holds messages its receiver has not inducted yet. */
  get pending(): boolean {
    for (const stream of this.#out.values())
      if (stream.sent < stream.begin + stream.messages.length) return true;
    return false;
  }

  /** Calls sent to another subnet and not answered yet. */
  get callsInFlight(): number {
    return this.#calls.reduce((n, calls) => n + calls.size, 0);
  }

  #routeOut(
    from: number,
    request: Parameters<SubnetRouting['routeOut']>[0],
  ): RouteResult | undefined {
    const callee = fromHex(request.target);
    const to = subnetOfId(callee, this.#subnets.length);
    if (to === undefined || to === from) return undefined;
    const tooLarge = payloadTooLarge(request.caller, callee, request.arg.length);
    if (tooLarge !== undefined) return tooLarge;
    const callId = this.#nextCallId[from] ?? 0;
    this.#nextCallId[from] = callId + 1;
    this.#calls[from]?.set(callId, { to, replyTo: request.replyTo });
    const store = this.#stores[from];
    store?.write(() => store.putCall(callId, to, callId + 1));
    this.#push(from, to, {
      kind: 'request',
      callId,
      callee,
      caller: request.caller,
      origin: request.origin,
      method: request.method,
      arg: request.arg,
      cycles: request.cycles,
      deadlineNs: request.deadlineNs,
      depth: request.depth,
    });
    return { kind: 'sent' };
  }

  /** Appends a message to a stream, in the open transaction (the batch's); flushes after it. */
  #push(from: number, to: number, message: StreamMessage): void {
    const key = from * this.#subnets.length + to;
    let stream = this.#out.get(key);
    if (stream === undefined) this.#out.set(key, (stream = { begin: 0, messages: [], sent: 0 }));
    const bytes = encodeStreamMessage(message);
    const index = stream.begin + stream.messages.length;
    stream.messages.push(bytes);
    const store = this.#stores[from];
    store?.write(() => store.putMessage(to, index, bytes));
    this.#schedule();
  }

  /** Flushes after the current synchronous work: the batch that made the messages has committed by then. */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#closed) return;
      try {
        this.flush();
      } catch (err) {
        // A store failure while inducting must not become an uncaught error of the process;
        // the messages stay in their stream and go again at the next flush.
        console.error('[tincan] XNet flush:', ensureError(err).message);
      }
    });
  }

  /** Stops flushing: the subnets are closing (streams stay in their stores for the next open). */
  close(): void {
    this.#closed = true;
    for (const store of this.#stores) store?.close();
  }

  /**
   * Certifies every stream's unacknowledged messages and hands each slice to its receiver.
   * Returns how many messages were newly inducted.
   */
  flush(): number {
    let inducted = 0;
    if (this.#closed) return 0;
    const count = this.#subnets.length;
    for (const [key, stream] of this.#out) {
      const from = Math.floor(key / count);
      const to = key % count;
      // A subnet still opening (its streams came back from its store) takes nothing yet.
      if (this.#replicas[from] === undefined || this.#replicas[to] === undefined) continue;
      this.#dropHandled(key, from, to, stream);
      const end = stream.begin + stream.messages.length;
      if (stream.sent >= end) continue;
      const sender = this.#subnets[from] as XNetSubnet;
      const receiver = this.#subnets[to] as XNetSubnet;
      // From the first message the receiver has not inducted: what it inducted stays here
      // only until it is handled (executed and committed), for a restart to send again.
      const first = stream.sent - stream.begin;
      const messages = stream.messages.slice(first, first + MAX_SLICE_MESSAGES);
      let slice = certifySlice(
        this.#bls,
        { subnetId: sender.id, key: sender.key, delegation: sender.delegation },
        receiver.id,
        stream.sent,
        messages,
        this.#nowNs(),
      );
      if (this.intercept !== undefined) slice = this.intercept(from, to, slice);
      const before = this.#expected.get(key) ?? 0;
      const next = this.receive(from, to, slice);
      if (next === undefined) continue;
      inducted += next - before;
      stream.sent = Math.max(stream.sent, next);
      this.#dropHandled(key, from, to, stream);
      if (stream.sent < stream.begin + stream.messages.length) this.#schedule();
    }
    return inducted;
  }

  /** Drops from a stream the messages its receiver has handled (their rows go at the sender's next commit). */
  #dropHandled(key: number, from: number, to: number, stream: OutStream): void {
    const done = this.#handled.get(key)?.done ?? 0;
    if (done <= stream.begin) return;
    const drop = Math.min(done, stream.begin + stream.messages.length) - stream.begin;
    const begin = stream.begin;
    stream.messages.splice(0, drop);
    stream.begin += drop;
    stream.sent = Math.max(stream.sent, stream.begin);
    const store = this.#stores[from];
    store?.later(() => {
      for (let i = begin; i < begin + drop; i++) store.deleteMessage(to, i);
    });
  }

  /**
   * The receiving side: verifies a slice claimed to come from subnet `from` and inducts the
   * messages it has not inducted yet, in stream order. Returns the next index it expects
   * (its acknowledgement), or undefined when the slice was refused (recorded in {@link refused}).
   */
  receive(from: number, to: number, slice: Uint8Array): number | undefined {
    const root = this.#subnets[0] as XNetSubnet;
    const sender = this.#subnets[from] as XNetSubnet;
    const receiver = this.#subnets[to] as XNetSubnet;
    const verified = verifySlice(
      this.#bls,
      slice,
      {
        from: sender.id,
        to: receiver.id,
        derRootKey: root.key.derPublicKey,
        rootSubnetId: root.id,
        rootRanges: root.ranges,
      },
      this.#delegations,
    );
    const key = from * this.#subnets.length + to;
    const expected = this.#expected.get(key) ?? 0;
    if (typeof verified === 'string') return this.#refuse(from, to, verified);
    // A gap means messages were lost: refuse, so the sender sends them again from where we are.
    if (verified.begin > expected)
      return this.#refuse(
        from,
        to,
        `the slice starts at message ${verified.begin}, but message ${expected} is next`,
      );
    const handled = this.#handledOf(key);
    const fresh: Array<[number, StreamMessage]> = [];
    for (let i = expected - verified.begin; i < verified.messages.length; i++) {
      // Handled before a restart (executed out of stream order, on another canister's queue).
      if (handled.above.has(verified.begin + i)) continue;
      let message: StreamMessage;
      try {
        message = decodeStreamMessage(verified.messages[i] as Uint8Array);
      } catch (err) {
        return this.#refuse(
          from,
          to,
          `message ${verified.begin + i} is malformed: ${(err as Error).message}`,
        );
      }
      const problem = inductionProblem(message, {
        senderRanges: verified.ranges,
        receiverRanges: receiver.ranges,
        callSentTo: (callId) => this.#calls[to]?.get(callId)?.to,
        from,
      });
      if (problem !== undefined)
        return this.#refuse(from, to, `message ${verified.begin + i}: ${problem}`);
      fresh.push([verified.begin + i, message]);
    }
    // Responses and refusals are marked handled in this transaction of the receiver's own.
    this.#stores[to]?.now(() => {
      for (const [index, message] of fresh) this.#induct(message, index, from, to);
    });
    const next = Math.max(expected, verified.begin + verified.messages.length);
    this.#expected.set(key, next);
    if (fresh.length > 0) this.#replicas[to]?.wake();
    return next;
  }

  /** What subnet `to` has handled of the stream with this key. */
  #handledOf(key: number): Handled {
    let handled = this.#handled.get(key);
    if (handled === undefined) this.#handled.set(key, (handled = { done: 0, above: new Set() }));
    return handled;
  }

  /** Marks stream message `index` handled by its receiver, in the receiver's open transaction. */
  #markHandled(index: number, from: number, to: number): void {
    const handled = this.#handledOf(from * this.#subnets.length + to);
    if (!markHandled(handled, index)) return;
    const store = this.#stores[to];
    store?.inBatch(() => store.putHandled(from, handled));
  }

  /** Inducts message `index` of the stream from `from` into subnet `to`; inside `to`'s transaction. */
  #induct(message: StreamMessage, index: number, from: number, to: number): void {
    const replica = this.#replicas[to];
    if (replica === undefined) return;
    if (message.kind === 'request') {
      const { callId } = message;
      const answer = (outcome: Outcome, refund: bigint): void =>
        this.#push(to, from, { kind: 'response', callId, outcome, refund });
      let inducting = true;
      let refusal: [Outcome, bigint] | undefined;
      const queued = replica.runtime.induct(
        message,
        // Told after the commit (the answer is in the stream by then), or at once on a refusal.
        (outcome, refund) => {
          if (inducting) refusal = [outcome, refund];
          else this.#schedule();
        },
        {
          // The answer joins the reverse stream in the commit of the execution that made it.
          record: answer,
          // Executed in this batch: handled, in the same commit.
          onPicked: () => this.#markHandled(index, from, to),
        },
      );
      inducting = false;
      if (!queued) {
        // Refused at once (its callee's queue is full): answered and handled here.
        if (refusal !== undefined) answer(...refusal);
        this.#markHandled(index, from, to);
      }
      return;
    }
    this.#markHandled(index, from, to);
    const calls = this.#calls[to] as Map<number, PendingCall>;
    const call = calls.get(message.callId) as PendingCall;
    calls.delete(message.callId);
    const store = this.#stores[to];
    store?.write(() => store.deleteCall(message.callId));
    // A call from before a restart has no callback left: its response is dropped.
    if (call.replyTo !== undefined)
      replica.runtime.deliverRemote(call.replyTo, message.outcome, message.refund);
  }

  #refuse(from: number, to: number, reason: string): undefined {
    this.refused.push({ from, to, reason });
    return undefined;
  }
}
