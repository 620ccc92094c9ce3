/**
 * Request bodies: reading one up to a limit, and refusing one that is over it without making
 * the client fail. A body over the limit is refused from its `Content-Length`, before a byte
 * of it is read, or (chunked) as soon as it crosses the limit. The refusal is sent at once;
 * the rest of the body is then read and discarded (as nginx's lingering close does), so the
 * client, still uploading, reads the answer instead of a reset (EPIPE/ECONNRESET) when the
 * connection goes away under it. Once the body has ended, the connection stays usable for
 * the client's next request (closing it then would race a keep-alive client reusing it).
 * Draining is bounded in bytes and time; past either bound the connection is dropped.
 */
import type { IncomingMessage } from 'node:http';
import { HttpProblem } from './problem.js';

/** Most bytes of a refused body discarded before the connection is dropped. */
const DRAIN_LIMIT_BYTES = 256 * 1024 * 1024;
/** Longest a refused body is drained before the connection is dropped, in ms. */
const DRAIN_LIMIT_MS = 10_000;

/** Reads the whole body; rejects with 413 past `limit` bytes (declared or streamed). */
export function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit)
    return Promise.reject(
      new HttpProblem(413, `Request body of ${declared} bytes exceeds the limit of ${limit} bytes`),
    );
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.off('end', onEnd);
        chunks.length = 0;
        // Paused until the refusal is sent; the drain then reads the rest.
        req.pause();
        reject(new HttpProblem(413, `Request body exceeds the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => resolve(new Uint8Array(Buffer.concat(chunks)));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}

/**
 * After a refusal was sent for a request whose body was not read to its end: reads and
 * discards the rest (never a reset while the client writes); the connection then serves the
 * next request, or the client closes it. Drops the connection past {@link DRAIN_LIMIT_BYTES}
 * or {@link DRAIN_LIMIT_MS}.
 */
export function drainRefused(req: IncomingMessage): void {
  const socket = req.socket;
  let drained = 0;
  const drop = (): void => {
    clearTimeout(timer);
    socket.destroy();
  };
  const timer = setTimeout(drop, DRAIN_LIMIT_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT_BYTES) drop();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('error', drop);
  req.resume();
}
