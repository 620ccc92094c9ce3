/**
 * The last N executions as columns: one typed array per number, one array of shared strings
 * per text field, the arguments and replies copied into a byte ring. Recording an execution
 * writes a row of slots and allocates nothing that lives on (strings are interned, bytes
 * copied), so a saturated replica's garbage collector does not copy and promote a graph of
 * objects per execution; a `TraceRecord` is built only when a query or the trace file asks.
 * Rare fields (a trap, a reject, calls made, a request id) are kept as they are, by id.
 */
import { fromHex, toHex } from '@tincan/bytes';
import type { ExecutionMode, ExecutionTrace, TraceCause, TracedCall } from '@tincan/runtime';
import { ByteRing } from './byte-ring.js';
import {
  principalFromHex,
  type TraceAnswer,
  type TraceRecord,
  type TraceRecordCause,
} from './trace-record.js';

type Outcome = TraceRecord['outcome'];

/** What few executions have, kept by execution id. */
interface Extras {
  trap?: string;
  rejected?: { readonly code: number; readonly message: string };
  answerReject?: { readonly code: number; readonly message: string };
  calls?: readonly TracedCall[];
  /** An argument or reply too large for the byte ring. */
  arg?: Uint8Array;
  reply?: Uint8Array;
}

const CAUSES = [
  'ingress',
  'call',
  'response',
  'cleanup',
  'timer',
  'system',
  'dispatch',
  'reply',
] as const;
const CAUSE_INDEX: Record<TraceCause['kind'], number> = {
  ingress: 0,
  call: 1,
  response: 2,
  cleanup: 3,
  timer: 4,
  system: 5,
  dispatch: 6,
  reply: 7,
};
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Bytes of the byte ring per kept execution (arguments and replies of a few dozen bytes are typical). */
const BYTES_PER_EXECUTION = 512;
const MAX_RING_BYTES = 64 * 1024 * 1024;

/** Returns one shared copy of each string (bounded: past the bound strings are just not shared). */
class Interner {
  readonly #strings = new Map<string, string>();
  intern(s: string): string {
    const known = this.#strings.get(s);
    if (known !== undefined) return known;
    if (this.#strings.size >= 50_000) this.#strings.clear();
    this.#strings.set(s, s);
    return s;
  }
}

/** Hex of principal bytes, remembered for the last array seen (callers repeat). */
class HexOf {
  #bytes: Uint8Array | undefined;
  #hex = '';
  constructor(private readonly strings: Interner) {}
  of(bytes: Uint8Array): string {
    const last = this.#bytes;
    if (last !== bytes && !(last !== undefined && sameBytes(last, bytes))) {
      this.#bytes = bytes;
      this.#hex = this.strings.intern(toHex(bytes));
    }
    return this.#hex;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function fitsInt64(v: bigint): boolean {
  return v >= INT64_MIN && v <= INT64_MAX;
}

/** Column storage of the last `capacity` executions; slot `i` of `size` is the i-th oldest. */
export class TraceColumns {
  readonly capacity: number;
  #size = 0;
  /** The slot of the oldest execution once full. */
  #head = 0;
  #allocated = 0;
  readonly #bytes: ByteRing;
  readonly #strings = new Interner();
  readonly #callerHex = new HexOf(this.#strings);
  readonly #originHex = new HexOf(this.#strings);
  readonly #extras = new Map<number, Extras>();
  /** Bigints that do not fit 64 bits, by execution id: [charged, accepted, refunded, delta]. */
  readonly #bigCycles = new Map<number, readonly bigint[]>();
  /** Request ids of ingress roots (bytes, or hex once asked for), by root execution id. */
  readonly #requestIds = new Map<number, Uint8Array | string>();
  // Text columns hold shared strings only.
  readonly #canister: string[] = [];
  readonly #method: string[] = [];
  readonly #caller: string[] = [];
  readonly #origin: string[] = [];
  readonly #kind: ExecutionMode[] = [];
  readonly #outcome: Outcome[] = [];
  readonly #causeCaller: string[] = [];
  #id = new Float64Array(0);
  #root = new Float64Array(0);
  #parent = new Float64Array(0);
  #wallMs = new Float64Array(0);
  #contextId = new Float64Array(0);
  #causeKind = new Uint8Array(0);
  #causeNum = new Float64Array(0);
  #timeNs = new BigInt64Array(0);
  #cycles = new BigInt64Array(0);
  #instructions = new Float64Array(0);
  #timersSet = new Float64Array(0);
  #stableWrites = new Float64Array(0);
  #heapBytes = new Float64Array(0);
  #answerKind = new Uint8Array(0);
  #argAt = new Float64Array(0);
  #argLength = new Float64Array(0);
  #replyAt = new Float64Array(0);
  #replyLength = new Float64Array(0);

  /** Empty columns for the last `capacity` executions. */
  constructor(capacity: number) {
    this.capacity = capacity;
    this.#bytes = new ByteRing(
      Math.min(MAX_RING_BYTES, Math.max(64 * 1024, capacity * BYTES_PER_EXECUTION)),
    );
  }

  /** How many executions are kept. */
  get size(): number {
    return this.#size;
  }

  /** The slot of the `i`-th oldest execution. */
  slot(i: number): number {
    const at = this.#head + i;
    return at < this.capacity ? at : at - this.capacity;
  }

  /** Typed columns grow by doubling up to the capacity, so a large limit costs memory only once used. */
  #grow(): void {
    const next = Math.min(this.capacity, Math.max(1_024, this.#allocated * 2));
    const f64 = (old: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const grown = new Float64Array(next);
      grown.set(old);
      return grown;
    };
    const u8 = (old: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> => {
      const grown = new Uint8Array(next);
      grown.set(old);
      return grown;
    };
    const i64 = (old: BigInt64Array<ArrayBuffer>, width: number): BigInt64Array<ArrayBuffer> => {
      const grown = new BigInt64Array(next * width);
      grown.set(old);
      return grown;
    };
    this.#id = f64(this.#id);
    this.#root = f64(this.#root);
    this.#parent = f64(this.#parent);
    this.#wallMs = f64(this.#wallMs);
    this.#contextId = f64(this.#contextId);
    this.#causeKind = u8(this.#causeKind);
    this.#causeNum = f64(this.#causeNum);
    this.#timeNs = i64(this.#timeNs, 1);
    this.#cycles = i64(this.#cycles, 4);
    this.#instructions = f64(this.#instructions);
    this.#timersSet = f64(this.#timersSet);
    this.#stableWrites = f64(this.#stableWrites);
    this.#heapBytes = f64(this.#heapBytes);
    this.#answerKind = u8(this.#answerKind);
    this.#argAt = f64(this.#argAt);
    this.#argLength = f64(this.#argLength);
    this.#replyAt = f64(this.#replyAt);
    this.#replyLength = f64(this.#replyLength);
    this.#allocated = next;
  }

  /** Keeps one execution (ids increase), dropping the oldest when full. */
  push(id: number, root: number, parent: number | null, wallMs: number, t: ExecutionTrace): void {
    let s: number;
    if (this.#size < this.capacity) {
      s = this.#size++;
      if (s >= this.#allocated) this.#grow();
    } else {
      s = this.#head;
      this.#head = s + 1 === this.capacity ? 0 : s + 1;
      this.#forget(s);
    }
    this.#id[s] = id;
    this.#root[s] = root;
    this.#parent[s] = parent ?? -1;
    this.#wallMs[s] = wallMs;
    this.#canister[s] = this.#strings.intern(t.canister);
    this.#method[s] = this.#strings.intern(t.method);
    this.#caller[s] = this.#callerHex.of(t.caller);
    this.#origin[s] = this.#originHex.of(t.origin);
    this.#kind[s] = t.kind;
    this.#outcome[s] = t.outcome;
    this.#contextId[s] = t.contextId ?? -1;
    const cause = t.cause;
    this.#causeKind[s] = CAUSE_INDEX[cause.kind];
    this.#causeNum[s] =
      cause.kind === 'timer'
        ? cause.timerId
        : 'callId' in cause
          ? cause.callId
          : 'msgId' in cause
            ? cause.msgId
            : 0;
    this.#causeCaller[s] =
      cause.kind === 'call' || cause.kind === 'dispatch' ? this.#strings.intern(cause.caller) : '';
    if (cause.kind === 'ingress' && cause.requestId !== undefined && parent === null)
      this.#requestIds.set(id, cause.requestId);
    this.#timeNs[s] = t.timeNs;
    const c = s * 4;
    if (
      fitsInt64(t.cyclesCharged) &&
      fitsInt64(t.cyclesAccepted) &&
      fitsInt64(t.cyclesRefunded) &&
      fitsInt64(t.balanceDelta)
    ) {
      this.#cycles[c] = t.cyclesCharged;
      this.#cycles[c + 1] = t.cyclesAccepted;
      this.#cycles[c + 2] = t.cyclesRefunded;
      this.#cycles[c + 3] = t.balanceDelta;
    } else
      this.#bigCycles.set(id, [
        t.cyclesCharged,
        t.cyclesAccepted,
        t.cyclesRefunded,
        t.balanceDelta,
      ]);
    this.#instructions[s] = t.instructions;
    this.#timersSet[s] = t.timersSet;
    this.#stableWrites[s] = t.stableWrites;
    this.#heapBytes[s] = t.heapBytes;
    let extras: Extras | undefined;
    const argAt = this.#bytes.put(t.arg);
    this.#argAt[s] = argAt;
    this.#argLength[s] = t.arg.length;
    if (argAt < 0) (extras ??= {}).arg = t.arg;
    const answer = t.answer;
    if (answer === undefined) this.#answerKind[s] = 0;
    else if ('reply' in answer) {
      this.#answerKind[s] = 1;
      const at = this.#bytes.put(answer.reply);
      this.#replyAt[s] = at;
      this.#replyLength[s] = answer.reply.length;
      if (at < 0) (extras ??= {}).reply = answer.reply;
    } else {
      this.#answerKind[s] = 2;
      (extras ??= {}).answerReject = { code: answer.reject.code, message: answer.reject.message };
    }
    if (t.trap !== undefined) (extras ??= {}).trap = t.trap;
    if (t.rejected !== undefined) (extras ??= {}).rejected = t.rejected;
    if (t.calls.length > 0) (extras ??= {}).calls = t.calls;
    if (extras !== undefined) this.#extras.set(id, extras);
  }

  /** Drops what slot `s` kept outside the columns. */
  #forget(s: number): void {
    const id = this.#id[s]!;
    if (this.#extras.size > 0) this.#extras.delete(id);
    if (this.#bigCycles.size > 0) this.#bigCycles.delete(id);
    // A request id names a tree as long as any of it is kept; entries of long-gone roots go in bulk.
    if (this.#requestIds.size > 2 * this.capacity) {
      const oldest = this.#id[this.slot(0)]!;
      for (const root of this.#requestIds.keys()) if (root < oldest) this.#requestIds.delete(root);
    }
  }

  id(s: number): number {
    return this.#id[s]!;
  }

  root(s: number): number {
    return this.#root[s]!;
  }

  canisterHex(s: number): string {
    return this.#canister[s]!;
  }

  callerHex(s: number): string {
    return this.#caller[s]!;
  }

  method(s: number): string {
    return this.#method[s]!;
  }

  outcome(s: number): Outcome {
    return this.#outcome[s]!;
  }

  timeNs(s: number): bigint {
    return this.#timeNs[s]!;
  }

  /** The name of the tree rooted at execution `root`: its request id, or `e<root>`. */
  treeName(root: number): string {
    const requestId = this.#requestIds.get(root);
    if (requestId === undefined) return `e${root}`;
    if (typeof requestId === 'string') return requestId;
    const hex = toHex(requestId);
    this.#requestIds.set(root, hex);
    return hex;
  }

  /** Names the tree rooted at `root` by its request id (hex), for records read back from the trace file. */
  nameTree(root: number, requestIdHex: string): void {
    this.#requestIds.set(root, requestIdHex);
  }

  /** The root id of the tree named `name`, if any of it is kept. */
  rootOf(name: string): number | undefined {
    if (/^e\d+$/.test(name)) return Number(name.slice(1));
    for (const root of this.#requestIds.keys()) if (this.treeName(root) === name) return root;
    return undefined;
  }

  /** The record of slot `s`, built now. */
  record(s: number): TraceRecord {
    const id = this.#id[s]!;
    const extras = this.#extras.get(id);
    const big = this.#bigCycles.get(id);
    const c = s * 4;
    const cycles = (i: number): string => (big?.[i] ?? this.#cycles[c + i]!).toString();
    const parent = this.#parent[s]!;
    const contextId = this.#contextId[s]!;
    const kind = this.#answerKind[s]!;
    let answer: TraceAnswer | null = null;
    if (kind === 1)
      answer = { reply: this.#hexAt(this.#replyAt[s]!, this.#replyLength[s]!, extras?.reply) };
    else if (kind === 2 && extras?.answerReject !== undefined)
      answer = { reject: extras.answerReject };
    return {
      id,
      tree: this.treeName(this.#root[s]!),
      parent: parent < 0 ? null : parent,
      canister: principalFromHex(this.#canister[s]!),
      kind: this.#kind[s]!,
      method: this.#method[s]!,
      caller: principalFromHex(this.#caller[s]!),
      origin: principalFromHex(this.#origin[s]!),
      contextId: contextId < 0 ? null : contextId,
      cause: this.#causeOf(s),
      timeNs: this.#timeNs[s]!.toString(),
      wallMs: this.#wallMs[s]!,
      outcome: this.#outcome[s]!,
      trap: extras?.trap ?? null,
      instructions: this.#instructions[s]!,
      cyclesCharged: cycles(0),
      cyclesAccepted: cycles(1),
      cyclesRefunded: cycles(2),
      balanceDelta: cycles(3),
      calls: (extras?.calls ?? []).map((call) => ({
        callId: call.callId,
        callee: principalFromHex(toHex(call.callee)),
        method: call.method,
        cycles: call.cycles.toString(),
        oneway: call.oneway,
      })),
      timersSet: this.#timersSet[s]!,
      stableWrites: this.#stableWrites[s]!,
      heapBytes: this.#heapBytes[s]!,
      arg: this.#hexAt(this.#argAt[s]!, this.#argLength[s]!, extras?.arg),
      rejected: extras?.rejected ?? null,
      answer,
    };
  }

  #causeOf(s: number): TraceRecordCause {
    const kind = CAUSES[this.#causeKind[s]!]!;
    const n = this.#causeNum[s]!;
    switch (kind) {
      case 'ingress': {
        const requestId = this.#requestIds.get(this.#id[s]!);
        return requestId === undefined
          ? { kind }
          : { kind, requestId: this.treeName(this.#id[s]!) };
      }
      case 'call':
        return { kind, caller: principalFromHex(this.#causeCaller[s]!), callId: n };
      case 'response':
      case 'cleanup':
        return { kind, callId: n };
      case 'timer':
        return { kind, timerId: n };
      case 'dispatch':
        return { kind, caller: principalFromHex(this.#causeCaller[s]!), msgId: n };
      case 'reply':
        return { kind, msgId: n };
      default:
        return { kind: 'system' };
    }
  }

  /** Hex of bytes kept in the ring (or aside); empty when the ring has overwritten them. */
  #hexAt(at: number, length: number, aside: Uint8Array | undefined): string {
    if (aside !== undefined) return toHex(aside);
    return at < 0 ? '' : toHex(this.#bytes.get(at, length) ?? new Uint8Array());
  }
}

/** The runtime's form of a stored record (for records read back from the trace file). */
export function traceOfRecord(
  r: TraceRecord,
  hexOf: (principalText: string) => string,
): ExecutionTrace {
  const cause = r.cause;
  return {
    canister: hexOf(r.canister),
    kind: r.kind,
    method: r.method,
    caller: fromHex(hexOf(r.caller)),
    origin: fromHex(hexOf(r.origin)),
    contextId: r.contextId ?? undefined,
    cause:
      cause.kind === 'call' || cause.kind === 'dispatch'
        ? { ...cause, caller: hexOf(cause.caller) }
        : cause.kind === 'ingress'
          ? cause.requestId === undefined
            ? { kind: 'ingress' }
            : { kind: 'ingress', requestId: fromHex(cause.requestId) }
          : cause,
    timeNs: BigInt(r.timeNs),
    outcome: r.outcome,
    trap: r.trap ?? undefined,
    instructions: r.instructions,
    cyclesCharged: BigInt(r.cyclesCharged),
    cyclesAccepted: BigInt(r.cyclesAccepted),
    cyclesRefunded: BigInt(r.cyclesRefunded),
    balanceDelta: BigInt(r.balanceDelta),
    calls: r.calls.map((c) => ({
      callId: c.callId,
      callee: fromHex(hexOf(c.callee)),
      method: c.method,
      cycles: BigInt(c.cycles),
      oneway: c.oneway,
    })),
    timersSet: r.timersSet,
    stableWrites: r.stableWrites,
    heapBytes: r.heapBytes,
    arg: fromHex(r.arg),
    rejected: r.rejected ?? undefined,
    answer:
      r.answer === null
        ? undefined
        : 'reply' in r.answer
          ? { reply: fromHex(r.answer.reply) }
          : ({
              reject: { code: r.answer.reject.code, message: r.answer.reject.message },
            } as NonNullable<ExecutionTrace['answer']>),
  };
}
