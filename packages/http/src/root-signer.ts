/**
 * BLS signing of state roots in a worker thread, so the main thread keeps executing and
 * serving while a round is signed. Requests are answered in the order they were made.
 *
 * The worker signs with mcl (mcl-wasm, WebAssembly): about 1 ms per signature, where
 * @noble/curves takes 6-9 ms. The IC's hash-to-curve is `hash_to_field` (done with
 * @noble/curves, with the IC's DST) followed by mcl's IETF map to G1 of each of the two field
 * elements; their sum is the hashed point, since the map's cofactor clearing is linear. Tests
 * check every signature against @noble/curves. Should mcl fail to load, the worker signs with
 * @noble/curves instead.
 *
 * The worker is plain CommonJS evaluated from a string and loads its libraries by the paths
 * this package resolves, so it runs the same from TypeScript sources (tests) and from dist.
 * Should the worker die (it should not), signing falls back to the main thread, so the
 * replica keeps certifying, only slower.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import {
  BLS_DST,
  checkBlsSecretKey,
  signStateRoot,
  stateRootHashMessage,
} from '@tincan/certification';
import { HttpProblem } from './problem.js';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { paths, dst, secretKey } = workerData;
const { bls12_381 } = require(paths.bls);
const { hash_to_field } = require(paths.hashToCurve);
const { sha256 } = require(paths.sha2);
const fieldOptions = { DST: dst, p: bls12_381.fields.Fp.ORDER, m: 1, k: 128, expand: 'xmd', hash: sha256 };

function nobleSigner() {
  // The variable-time multiplication: timing side channels do not matter for the root key of
  // a local development replica. The hashed point is in the subgroup by construction.
  const secret = BigInt('0x' + Buffer.from(secretKey).toString('hex'));
  const sign = (message) => bls12_381.shortSignatures.hash(message, dst).multiplyUnsafe(secret).toBytes(true);
  return { engine: 'noble', sign };
}

async function mclSigner() {
  const mcl = require(paths.mcl);
  await mcl.init(mcl.BLS12_381);
  mcl.setETHserialization(true); // compressed points as the IC (and ZCash) encode them
  mcl.setMapToMode(mcl.IRTF); // the IETF hash-to-curve map (SSWU, isogeny, cofactor clearing)
  const key = new mcl.Fr();
  key.setBigEndianMod(secretKey);
  const toFp = (n) => {
    const fp = new mcl.Fp();
    fp.setStr(n.toString(16), 16);
    return fp;
  };
  const sign = (message) => {
    const [[u0], [u1]] = hash_to_field(message, 2, fieldOptions);
    return mcl.mul(mcl.add(toFp(u0).mapToG1(), toFp(u1).mapToG1()), key).serialize();
  };
  return { engine: 'mcl', sign };
}

// Messages that arrive before the signer is ready wait on this promise, in order.
const ready = mclSigner().catch(() => nobleSigner());
ready.then(({ engine }) => parentPort.postMessage({ engine }));
parentPort.on('message', (message) => {
  ready.then(({ sign }) => {
    try {
      parentPort.postMessage({ signature: sign(message) });
    } catch (err) {
      parentPort.postMessage({ error: String((err && err.message) || err) });
    }
  });
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
  /** Which library the worker signs with, once it is ready: `mcl`, or `noble` if mcl failed to load. */
  readonly engine: Promise<'mcl' | 'noble'>;
  /** Set when the worker died: signatures are then made on the calling thread. */
  #broken = false;
  /** Set by {@link close}: no more signatures. */
  #closed: Error | undefined;

  /** @throws CertificationError `ERR_INVALID_KEY` for a malformed secret key (checked here, not in the worker). */
  constructor(secretKey: Uint8Array) {
    checkBlsSecretKey(secretKey);
    this.#secretKey = secretKey;
    const require = createRequire(import.meta.url);
    const paths = {
      bls: require.resolve('@noble/curves/bls12-381.js'),
      hashToCurve: require.resolve('@noble/curves/abstract/hash-to-curve.js'),
      sha2: require.resolve('@noble/hashes/sha2.js'),
      mcl: require.resolve('mcl-wasm'),
    };
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { paths, dst: BLS_DST, secretKey },
    });
    // Idle, the worker does not keep the process alive; it is ref'd while a signature is pending.
    this.#worker.unref();
    let announce: (engine: 'mcl' | 'noble') => void = () => undefined;
    this.engine = new Promise((resolve) => (announce = resolve));
    this.#worker.on(
      'message',
      (answer: { signature?: Uint8Array; error?: string; engine?: 'mcl' | 'noble' }) => {
        if (answer.engine !== undefined) return announce(answer.engine);
        const next = this.#pending.shift();
        if (this.#pending.length === 0) this.#worker.unref();
        if (answer.signature !== undefined) next?.resolve(answer.signature);
        else
          next?.reject(
            new HttpProblem(
              500,
              `signing the state root failed: ${answer.error ?? 'no signature'}`,
            ),
          );
      },
    );
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
    for (const request of this.#pending.splice(0))
      request.resolve(signStateRoot(request.rootHash, this.#secretKey));
  }
}
