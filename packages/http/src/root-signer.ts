/**
 * BLS signing of state roots in a worker thread, so the main thread keeps executing and
 * serving while a round is signed (hash-to-curve plus a scalar multiplication: several ms
 * with @noble/curves). Requests are answered in the order they were made.
 *
 * The worker is plain CommonJS evaluated from a string and loads @noble/curves by the path
 * this package resolves, so it runs the same from TypeScript sources (tests) and from dist.
 * Should the worker die (it should not), signing falls back to the main thread, so the
 * replica keeps certifying, only slower.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { BLS_DST, blsPublicKey, signStateRoot, stateRootHashMessage } from '@tincan/certification';
import { HttpProblem } from './problem.js';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { shortSignatures } = require(workerData.blsPath).bls12_381;
const secret = BigInt('0x' + Buffer.from(workerData.secretKey).toString('hex'));
parentPort.on('message', (message) => {
  try {
    // shortSignatures.sign(point, key) is this multiplication after a subgroup check of the
    // point; a hash-to-curve output is in the subgroup by construction (cofactor cleared),
    // so the check (about a fifth of the cost) is skipped. The multiplication is the
    // variable-time one (less than half the time of the constant-time ladder): timing side
    // channels do not matter for the root key of a local development replica.
    const point = shortSignatures.hash(message, workerData.dst);
    parentPort.postMessage({ signature: point.multiplyUnsafe(secret).toBytes(true) });
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.message) || err) });
  }
});
`;

interface Pending {
  readonly rootHash: Uint8Array;
  readonly resolve: (signature: Uint8Array) => void;
  readonly reject: (err: Error) => void;
}

/** Signs state root hashes with one secret key, in a worker thread. */
export class RootSigner {
  readonly #worker: Worker;
  /** Requests in the order sent; the worker answers in the same order. */
  readonly #pending: Pending[] = [];
  readonly #secretKey: Uint8Array;
  /** Set when the worker died: signatures are then made on the calling thread. */
  #broken = false;
  /** Set by {@link close}: no more signatures. */
  #closed: Error | undefined;

  /** @throws CertificationError `ERR_INVALID_KEY` for a malformed secret key (checked here, not in the worker). */
  constructor(secretKey: Uint8Array) {
    blsPublicKey(secretKey);
    this.#secretKey = secretKey;
    const blsPath = createRequire(import.meta.url).resolve('@noble/curves/bls12-381.js');
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { blsPath, dst: BLS_DST, secretKey } });
    // Idle, the worker does not keep the process alive; it is ref'd while a signature is pending.
    this.#worker.unref();
    this.#worker.on('message', (answer: { signature?: Uint8Array; error?: string }) => {
      const next = this.#pending.shift();
      if (this.#pending.length === 0) this.#worker.unref();
      if (answer.signature !== undefined) next?.resolve(answer.signature);
      else next?.reject(new HttpProblem(500, `signing the state root failed: ${answer.error ?? 'no signature'}`));
    });
    this.#worker.on('error', () => this.#fallBack());
    this.#worker.on('exit', () => this.#fallBack());
  }

  /** Signs `"\x0Dic-state-root" || rootHash`; several requests may be in flight. */
  sign(rootHash: Uint8Array): Promise<Uint8Array> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    if (this.#broken) return Promise.resolve(signStateRoot(rootHash, this.#secretKey));
    return new Promise((resolve, reject) => {
      if (this.#pending.length === 0) this.#worker.ref();
      this.#pending.push({ rootHash, resolve, reject });
      this.#worker.postMessage(stateRootHashMessage(rootHash));
    });
  }

  /** Stops the worker; requests still pending are rejected with 503. */
  async close(): Promise<void> {
    const closed = (this.#closed ??= new HttpProblem(503, 'The replica is shutting down'));
    for (const request of this.#pending.splice(0)) request.reject(closed);
    await this.#worker.terminate();
  }

  /** The worker is gone without {@link close}: pending and later requests are signed here. */
  #fallBack(): void {
    if (this.#closed !== undefined || this.#broken) return;
    this.#broken = true;
    for (const request of this.#pending.splice(0)) request.resolve(signStateRoot(request.rootHash, this.#secretKey));
  }
}
