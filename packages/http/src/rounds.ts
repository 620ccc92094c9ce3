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
 * signature. Under load, callers answered by one round tend to come back together: the next
 * round waits until as many changes have come in as the last round carried plus those that
 * came in while it was signed (an estimate of the callers that are active), or
 * {@link RoundOptions.fillWaitMs} after the last round was signed, whichever is first. Without
 * that wait, closed-loop clients split into cohorts that alternate between rounds, and each
 * call waits for two signatures. Fewer, fuller rounds also leave CPU to execution and to
 * clients, which verify once per round when they cache verified roots. Changes that nobody
 * waits for (`changed(false)`) ride along with the next round and schedule none.
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
  /** Longest wait after a round for the next one to fill up, in ms; default 25. */
  readonly fillWaitMs?: number;
}

/** A signed tree older than this is re-signed before it is served, so `/time` stays current. */
const MAX_AGE_NS = 1_000_000_000n;
const DEFAULT_FILL_WAIT_MS = 25;

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

/** Schedules and runs certification rounds. */
export class CertificationRounds {
  readonly #options: RoundOptions;
  readonly #fillWaitMs: number;
  #last: SignedTree | undefined;
  /** Sequence number of the last change noted. */
  #seq = 0;
  /** Sequence number of the last change the signed tree `#last` includes. */
  #signedSeq = -1;
  /** The round being signed: its `/time` and the last change it includes. */
  #inFlight: { readonly timeNs: bigint; readonly seq: number } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  /** The next round starts without waiting to fill up. */
  #urgent = false;
  #waiters: Waiter[] = [];
  #lastEndMs = -Infinity;
  /** Changes someone waits for, noted since the last round started. */
  #asked = 0;
  /** How many such changes the last round carried. */
  #lastAsked = 0;
  /** How many the next round waits for: the last round's plus those that came in while it was signed. */
  #fillTarget = 0;
  #closed: Error | undefined;

  constructor(options: RoundOptions) {
    this.#options = options;
    this.#fillWaitMs = options.fillWaitMs ?? DEFAULT_FILL_WAIT_MS;
  }

  /** The last signed tree, if a round has been signed. */
  get lastSigned(): SignedTree | undefined {
    return this.#last;
  }

  /** Sequence number of the last change noted; a round started now includes it. */
  get lastChange(): number {
    return this.#seq;
  }

  /**
   * Notes a change; returns its sequence number. With `schedule` (the default) a round that
   * includes it is scheduled; without, it waits for the next round someone else asks for
   * (or a {@link certified} of it).
   */
  changed(schedule = true): number {
    this.#seq++;
    if (schedule) {
      this.#asked++;
      this.#schedule();
    }
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
    if (
      this.#closed !== undefined ||
      this.#inFlight !== undefined ||
      this.#signedSeq >= this.#seq ||
      this.#immediate !== undefined
    )
      return;
    const waitMs = this.#lastEndMs + this.#fillWaitMs - performance.now();
    if (this.#urgent || this.#asked >= this.#fillTarget || waitMs <= 0) {
      this.#clearTimer();
      this.#immediate = setImmediate(() => this.#start());
    } else {
      this.#timer ??= setTimeout(() => this.#start(), Math.ceil(waitMs));
    }
  }

  #start(): void {
    this.#clearTimer();
    this.#urgent = false;
    if (this.#closed !== undefined) return;
    const seq = this.#seq;
    const timeNs = this.#options.nowNs();
    const tree = this.#options.build(timeNs);
    const rootHash = this.#options.hash(tree);
    this.#inFlight = { timeNs, seq };
    this.#lastAsked = this.#asked;
    this.#asked = 0;
    this.#options.sign(rootHash).then(
      (signature) => {
        this.#inFlight = undefined;
        this.#lastEndMs = performance.now();
        this.#fillTarget = this.#lastAsked + this.#asked;
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
    clearTimeout(this.#timer);
    clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
  }
}
