/**
 * Bytes in a fixed ring: copies of the small arrays a trace keeps (arguments, replies), so the
 * runtime's own arrays die young instead of living on in the trace ring, where the garbage
 * collector would copy and promote every one of them. The oldest bytes are overwritten first;
 * a read of overwritten bytes says so.
 */
import { TincanError } from '@tincan/errors';

/** A ring of `capacity` bytes addressed by absolute positions (bytes written so far). */
export class ByteRing {
  readonly #bytes: Uint8Array;
  /** Absolute position of the next write; skipped tail bytes count too. */
  #head = 0;

  /** An empty ring of `capacity` bytes. */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0)
      throw new TincanError(
        'ERR_RANGE',
        `ByteRing capacity must be a positive integer, got ${capacity}`,
      );
    this.#bytes = new Uint8Array(capacity);
  }

  /** The largest array `put` copies: larger ones would push out too many others. */
  get maxPut(): number {
    return this.#bytes.length >>> 3;
  }

  /** Copies `data` in (contiguously) and returns its absolute position; -1 when larger than `maxPut`. */
  put(data: Uint8Array): number {
    const n = data.length;
    if (n > this.maxPut) return -1;
    const capacity = this.#bytes.length;
    let at = this.#head % capacity;
    if (at + n > capacity) {
      this.#head += capacity - at;
      at = 0;
    }
    if (n > 0) this.#bytes.set(data, at);
    const position = this.#head;
    this.#head += n;
    return position;
  }

  /** A copy of the `length` bytes put at `position`, or undefined when they were overwritten since. */
  get(position: number, length: number): Uint8Array | undefined {
    if (position < this.#head - this.#bytes.length) return undefined;
    const at = position % this.#bytes.length;
    return this.#bytes.slice(at, at + length);
  }
}
