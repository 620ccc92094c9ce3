/**
 * Certification rounds: the state tree is signed once per round, not once per request. A
 * change (a new request status) schedules a round; changes that arrive before it runs share
 * it. A round runs right away when the last one is long past, and otherwise waits until
 * signing has had at most half of the time since the last round started (a BLS signature
 * costs about 10 ms with @noble/curves), so under load many batches share one signature while
 * a lone caller waits for no more than the signing itself.
 */
import { signStateRoot, type HashTree, type TreeHasher } from '@tincan/certification';

/** A signed state tree: every witness pruned from `tree` carries `signature`. */
export interface SignedTree {
  readonly tree: HashTree;
  readonly signature: Uint8Array;
  /** The certified `/time` of the round, in ns. */
  readonly timeNs: bigint;
}

/** Options of {@link CertificationRounds}. */
export interface RoundOptions {
  readonly secretKey: Uint8Array;
  /** Replica time in ns, read at signing. */
  readonly nowNs: () => bigint;
  /** Builds the state tree with `/time` = `timeNs`. */
  readonly build: (timeNs: bigint) => HashTree;
  /** Hashes the tree; a memoizing hasher makes a round cost only what changed. */
  readonly hash: TreeHasher;
}

/** Signing gets at most this share of wall time under a steady stream of changes. */
const SIGNING_SHARE = 1 / 2;
/** A signed tree older than this is re-signed before it is served, so `/time` stays current. */
const MAX_AGE_NS = 1_000_000_000n;

/** Schedules and runs certification rounds. */
export class CertificationRounds {
  readonly #options: RoundOptions;
  #last: SignedTree | undefined;
  /** Changes not yet in a signed tree. */
  #pending = false;
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  #waiters: Array<() => void> = [];
  #lastEndMs = -Infinity;
  #lastCostMs = 0;
  #closed = false;

  constructor(options: RoundOptions) {
    this.#options = options;
  }

  /** Notes a change: a round that includes it is scheduled. */
  changed(): void {
    this.#pending = true;
    if (this.#timer !== undefined || this.#closed) return;
    const waitMs = this.#lastEndMs + this.#lastCostMs / SIGNING_SHARE - this.#lastCostMs - performance.now();
    const run = (): void => {
      this.#timer = undefined;
      if (this.#pending) this.runNow();
    };
    this.#timer = waitMs <= 0 ? setImmediate(run) : setTimeout(run, Math.ceil(waitMs));
  }

  /** Resolves once a signed tree includes every change noted so far. */
  certified(): Promise<void> {
    if (!this.#pending || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** The last signed tree; a round runs first if none has or the last is over a second old. */
  fresh(): SignedTree {
    const last = this.#last;
    if (last === undefined || this.#options.nowNs() - last.timeNs > MAX_AGE_NS) return this.runNow();
    return last;
  }

  /** Runs a round now: builds, hashes and signs the tree, then releases the waiters. */
  runNow(): SignedTree {
    const start = performance.now();
    if (this.#timer !== undefined) this.#clearTimer();
    this.#pending = false;
    const timeNs = this.#options.nowNs();
    const tree = this.#options.build(timeNs);
    const signed = { tree, signature: signStateRoot(this.#options.hash(tree), this.#options.secretKey), timeNs };
    this.#last = signed;
    this.#lastEndMs = performance.now();
    this.#lastCostMs = this.#lastEndMs - start;
    this.#release();
    return signed;
  }

  /** Stops scheduling; waiters are released. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) this.#clearTimer();
    this.#release();
  }

  #clearTimer(): void {
    clearTimeout(this.#timer as NodeJS.Timeout);
    clearImmediate(this.#timer as NodeJS.Immediate);
    this.#timer = undefined;
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}
