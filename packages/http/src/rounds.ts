/**
 * Certification rounds: the state tree is signed once per round, not once per request.
 *
 * A change (a new request status) gets a sequence number and schedules a round. A round
 * builds and hashes the tree on the main thread (incremental, so cheap) and hands the root
 * hash to the signer (a worker thread, see {@link RootSigner}); the replica keeps executing
 * and serving meanwhile. One round is in flight at a time: changes made while it is signed
 * wait for the next one, which then takes all of them (a second round sent to the same
 * worker would finish no sooner and hold fewer changes).
 *
 * Pacing: a round starts on the event-loop turn after the change that asks for it, so every
 * status a batch commit recorded shares it, and a lone caller waits for nothing but the
 * signature. Under a steady stream of changes, round starts are spaced so that signing takes
 * at most {@link RoundOptions.signingShare} of wall time: fewer, fuller rounds leave CPU to
 * execution, and clients that cache verified roots verify once per round.
 */
import type { HashTree, TreeHasher } from '@tincan/certification';
import { HttpProblem } from './problem.js';

/** A signed state tree: every witness pruned from `tree` carries `signature`. */
export interface SignedTree {
  readonly tree: HashTree;
  readonly signature: Uint8Array;
  /** The certified `/time` of the round, in ns. */
  readonly timeNs: bigint;
}

/** Options of {@link CertificationRounds}. */
export interface RoundOptions {
  /** Replica time in ns, read when a round starts. */
  readonly nowNs: () => bigint;
  /** Builds the state tree with `/time` = `timeNs`. */
  readonly build: (timeNs: bigint) => HashTree;
  /** Hashes the tree; a memoizing hasher makes a round cost only what changed. */
  readonly hash: TreeHasher;
  /** Signs a root hash (see {@link RootSigner}). */
  readonly sign: (rootHash: Uint8Array) => Promise<Uint8Array>;
  /** Largest share of wall time spent signing under a steady stream of changes; default 1/3. */
  readonly signingShare?: number;
}

/** A signed tree older than this is re-signed before it is served, so `/time` stays current. */
const MAX_AGE_NS = 1_000_000_000n;
const DEFAULT_SIGNING_SHARE = 1 / 3;

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

/** Schedules and runs certification rounds. */
export class CertificationRounds {
  readonly #options: RoundOptions;
  readonly #share: number;
  #last: SignedTree | undefined;
  /** Sequence number of the last change noted. */
  #seq = 0;
  /** Sequence number of the last change the signed tree `#last` includes. */
  #signedSeq = -1;
  /** The round being signed: its `/time` and the last change it includes. */
  #inFlight: { readonly timeNs: bigint; readonly seq: number } | undefined;
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  /** The next round starts without waiting for its pacing slot. */
  #urgent = false;
  #waiters: Waiter[] = [];
  #lastStartMs = -Infinity;
  #lastCostMs = 0;
  #closed: Error | undefined;

  constructor(options: RoundOptions) {
    this.#options = options;
    this.#share = options.signingShare ?? DEFAULT_SIGNING_SHARE;
  }

  /** Sequence number of the last change noted; a round started now includes it. */
  get lastChange(): number {
    return this.#seq;
  }

  /** Notes a change and schedules a round that includes it; returns the change's sequence number. */
  changed(): number {
    this.#seq++;
    this.#schedule();
    return this.#seq;
  }

  /** Resolves once a signed tree includes change `seq` (by default, every change so far). */
  certified(seq = this.#seq): Promise<void> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    if (this.#signedSeq >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ seq, resolve, reject });
      this.#schedule();
    });
  }

  /**
   * The last signed tree. If there is none yet, or it is over a second old, a round is
   * signed first (or the one in flight is awaited, when it is recent enough).
   */
  async latest(): Promise<SignedTree> {
    const now = this.#options.nowNs();
    const last = this.#last;
    if (last !== undefined && now - last.timeNs <= MAX_AGE_NS) return last;
    const inFlight = this.#inFlight;
    let seq: number;
    if (inFlight !== undefined && now - inFlight.timeNs <= MAX_AGE_NS) seq = inFlight.seq;
    else {
      seq = ++this.#seq;
      this.#urgent = true;
    }
    await this.certified(seq);
    return this.#last as SignedTree;
  }

  /** Stops scheduling; waiters and later callers get a 503. */
  close(): void {
    this.#closed ??= new HttpProblem(503, 'The replica is shutting down');
    this.#clearTimer();
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.reject(this.#closed);
  }

  #schedule(): void {
    if (this.#closed !== undefined || this.#inFlight !== undefined || this.#signedSeq >= this.#seq) return;
    const slotMs = this.#lastStartMs + this.#lastCostMs / this.#share;
    const waitMs = this.#urgent ? 0 : slotMs - performance.now();
    if (this.#timer !== undefined) {
      if (!this.#urgent) return;
      this.#clearTimer();
    }
    this.#timer = waitMs <= 0 ? setImmediate(() => this.#start()) : setTimeout(() => this.#start(), Math.ceil(waitMs));
  }

  #start(): void {
    this.#timer = undefined;
    this.#urgent = false;
    if (this.#closed !== undefined) return;
    const startMs = performance.now();
    const seq = this.#seq;
    const timeNs = this.#options.nowNs();
    const tree = this.#options.build(timeNs);
    const rootHash = this.#options.hash(tree);
    this.#inFlight = { timeNs, seq };
    this.#lastStartMs = startMs;
    this.#options.sign(rootHash).then(
      (signature) => {
        this.#inFlight = undefined;
        this.#lastCostMs = performance.now() - startMs;
        this.#last = { tree, signature, timeNs };
        this.#signedSeq = seq;
        this.#release();
        this.#schedule();
      },
      (err: unknown) => {
        this.#inFlight = undefined;
        // Only a closed signer rejects; the waiters get its error.
        this.#closed ??= err instanceof Error ? err : new HttpProblem(500, String(err));
        this.close();
      },
    );
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) {
      if (waiter.seq <= this.#signedSeq) waiter.resolve();
      else this.#waiters.push(waiter);
    }
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer as NodeJS.Timeout);
    clearImmediate(this.#timer as NodeJS.Immediate);
    this.#timer = undefined;
  }
}
