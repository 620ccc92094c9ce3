/**
 * Bodies over the limit, sent by a plain node:http client that writes the whole body: the
 * client must read the 413 (never an EPIPE or ECONNRESET while it is still uploading), for
 * declared (Content-Length) and chunked bodies of 5 MB and 50 MB, and the server keeps serving.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anonymousContent,
  counterValue,
  envelope,
  natArg,
  postCbor,
  startCounterOverHttp,
  stopCounterOverHttp,
  type CounterOverHttp,
} from './harness.js';

let h: CounterOverHttp;
beforeAll(async () => {
  h = await startCounterOverHttp();
});
afterAll(() => stopCounterOverHttp(h));

interface Sent {
  readonly status: number;
  readonly text: string;
  /** The first error the request emitted, if any, until it closed. */
  readonly error: string | undefined;
}

/** POSTs `totalBytes` of zeros in 1 MiB writes; resolves when the request has closed. */
function sendBig(totalBytes: number, chunked: boolean): Promise<Sent> {
  return new Promise((resolve) => {
    let status = 0;
    let text = '';
    let error: string | undefined;
    let responded = false;
    let closed = false;
    const done = (): void => {
      if (responded && closed) resolve({ status, text, error });
    };
    const headers: Record<string, string | number> = { 'content-type': 'application/cbor' };
    if (chunked) headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = totalBytes;
    const req = request(
      `${h.server.url}/api/v2/canister/${h.canisterId.toText()}/call`,
      { method: 'POST', headers, agent: false },
      (res) => {
        status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          responded = true;
          done();
        });
        res.on('error', (err) => {
          error ??= `${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`;
        });
      },
    );
    req.on('error', (err) => {
      error ??= `${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`;
      responded = true;
    });
    req.on('close', () => {
      closed = true;
      done();
    });
    const chunk = Buffer.alloc(1024 * 1024);
    const write = (left: number): void => {
      while (left > 0) {
        const size = Math.min(left, chunk.length);
        left -= size;
        if (!req.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
          req.once('drain', () => write(left));
          return;
        }
      }
      req.end();
    };
    write(totalBytes);
  });
}

describe('bodies over the 4 MiB limit', () => {
  for (const megabytes of [5, 50]) {
    for (const chunked of [false, true]) {
      it(`answers a ${chunked ? 'chunked' : 'declared'} ${megabytes} MB body with 413 that the client reads`, async () => {
        const sent = await sendBig(megabytes * 1_000_000, chunked);
        expect(sent.error).toBeUndefined();
        expect(sent.status).toBe(413);
        expect(sent.text).toMatch(/exceeds the limit of 4194304 bytes/);
      });
    }
  }

  it('answers three 50 MB bodies sent at once, then still executes a valid call', async () => {
    const sent = await Promise.all([
      sendBig(50_000_000, false),
      sendBig(50_000_000, true),
      sendBig(50_000_000, false),
    ]);
    for (const one of sent) expect(one).toMatchObject({ status: 413, error: undefined });
    const before = await counterValue(h);
    const res = await postCbor(
      h.server,
      `/api/v3/canister/${h.canisterId.toText()}/call`,
      envelope(anonymousContent('call', h.canisterId, 'add', natArg(1n))),
    );
    expect(res.status).toBe(200);
    expect(await counterValue(h)).toBe(before + 1n);
  });
});
