import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Principal } from '@dfinity/principal';
import { decodeCbor, decodeCertificate, lookupPath, requestId, utf8 } from '@tincan/certification';
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

const callPath = (version = 'v3'): string =>
  `/api/${version}/canister/${h.canisterId.toText()}/call`;
const queryPath = (): string => `/api/v3/canister/${h.canisterId.toText()}/query`;

async function refusal(res: Response): Promise<{ status: number; text: string }> {
  return { status: res.status, text: await res.text() };
}

/** Sends a v3 call and reads the certified reject out of its certificate. */
async function certifiedReject(
  content: Record<string, unknown>,
  path = callPath(),
): Promise<Record<string, string | number>> {
  const res = await postCbor(h.server, path, envelope(content));
  expect(res.status).toBe(200);
  const { certificate } = decodeCbor(new Uint8Array(await res.arrayBuffer())) as {
    certificate: Uint8Array;
  };
  const { tree } = decodeCertificate(certificate);
  const read = (field: string): Uint8Array => {
    const found = lookupPath(tree, ['request_status', requestId(content), field]);
    if (found.status !== 'found') throw new Error(`no ${field} in the certificate`);
    return found.value;
  };
  return {
    status: new TextDecoder().decode(read('status')),
    reject_code: read('reject_code')[0] ?? -1,
    error_code: new TextDecoder().decode(read('error_code')),
    reject_message: new TextDecoder().decode(read('reject_message')),
  };
}

describe('bad input gets a clear answer and the replica keeps serving', () => {
  it('refuses a truncated envelope with 400', async () => {
    const whole = envelope(anonymousContent('call', h.canisterId, 'add', natArg(1n)));
    for (const cut of [1, Math.floor(whole.length / 2), whole.length - 1]) {
      const { status, text } = await refusal(
        await postCbor(h.server, callPath(), whole.subarray(0, cut)),
      );
      expect(status).toBe(400);
      expect(text).toMatch(/^Could not parse body as CBOR/);
    }
  });

  it('refuses a body that is not CBOR-typed with 400 naming the content type', async () => {
    const body = envelope(anonymousContent('call', h.canisterId, 'add', natArg(1n)));
    for (const type of ['application/json', 'text/plain']) {
      const res = await fetch(`${h.server.url}${callPath()}`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
      expect(await refusal(res)).toEqual({
        status: 400,
        text: `Unexpected content-type: expected application/cbor, got "${type}"`,
      });
    }
  });

  it('refuses a chunked body over 4 MiB with 413 while it streams', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${h.server.url}${callPath()}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/cbor', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < 5; i++) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
  });

  it('refuses an ingress expiry in the past with the text agents recognise', async () => {
    const content = anonymousContent('call', h.canisterId, 'add', natArg(1n), {
      ingress_expiry: BigInt(Date.now() - 60_000) * 1_000_000n,
    });
    const { status, text } = await refusal(await postCbor(h.server, callPath(), envelope(content)));
    expect(status).toBe(400);
    expect(text).toMatch(
      /^Invalid request expiry: Specified ingress_expiry not within expected range/,
    );
  });

  it('refuses fields of the wrong type with 400 naming the field', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ method_name: 7 }, /"method_name" must be a text string/],
      [{ arg: 'text' }, /"arg" must be a byte string/],
      [{ ingress_expiry: -1 }, /"ingress_expiry" must be a natural number/],
      [{ sender: [4] }, /"sender" must be a byte string/],
      [{ request_type: 'query' }, /Expected a request of type "call"/],
    ];
    for (const [overrides, message] of cases) {
      const { status, text } = await refusal(
        await postCbor(
          h.server,
          callPath(),
          envelope(anonymousContent('call', h.canisterId, 'add', natArg(1n), overrides)),
        ),
      );
      expect(status).toBe(400);
      expect(text).toMatch(message);
    }
  });

  it('certifies a reject with code 3 and IC0301 for an unknown canister', async () => {
    const ghost = Principal.fromText('aovwi-4maaa-aaaaa-qaagq-cai');
    const content = anonymousContent('call', ghost, 'add', natArg(1n));
    const reject = await certifiedReject(content, `/api/v3/canister/${ghost.toText()}/call`);
    expect(reject).toMatchObject({
      status: 'rejected',
      reject_code: 3,
      error_code: 'IC0301',
      reject_message: `Canister ${ghost.toText()} not found`,
    });
  });

  it('certifies a reject with code 5 for an unknown method and for undecodable Candid', async () => {
    expect(
      await certifiedReject(anonymousContent('call', h.canisterId, 'nope', natArg(1n))),
    ).toMatchObject({ reject_code: 5, error_code: 'IC0536' });
    const garbage = await certifiedReject(
      anonymousContent('call', h.canisterId, 'add', utf8('not candid')),
    );
    expect(garbage).toMatchObject({ reject_code: 5, error_code: 'IC0503' });
    expect(garbage.reject_message).toMatch(/add: invalid Candid arguments/);
    const query = await postCbor(
      h.server,
      queryPath(),
      envelope(anonymousContent('query', h.canisterId, 'get', utf8('DIDL garbage'))),
    );
    expect(decodeCbor(new Uint8Array(await query.arrayBuffer()))).toMatchObject({
      status: 'rejected',
      reject_code: 5,
      error_code: 'IC0503',
    });
  });

  it('still answers a valid call after all of the above', async () => {
    const before = await counterValue(h);
    const res = await postCbor(
      h.server,
      callPath(),
      envelope(anonymousContent('call', h.canisterId, 'add', natArg(1n))),
    );
    expect(res.status).toBe(200);
    expect(await counterValue(h)).toBe(before + 1n);
  });
});
