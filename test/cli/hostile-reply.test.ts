/**
 * `tincan canister call` against a canister that answers with hostile Candid: the CLI's reply
 * decoding refuses it with a clear error (instead of hanging in the decoder), for an update
 * (reply inside a v3 certificate) and a query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpAgent } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import { callCanister, CliError } from '@tincan/cli';
import {
  startCounterOverHttp,
  stopCounterOverHttp,
  type CounterOverHttp,
} from '../http/harness.js';

let h: CounterOverHttp;
let hostile: Principal;
let agent: HttpAgent;

beforeAll(async () => {
  h = await startCounterOverHttp();
  hostile = (await h.t.replica.deploy('test/fixtures/hostile-replies.ts')).id;
  agent = await HttpAgent.create({ host: h.server.url, shouldFetchRootKey: true });
}, 120_000);
afterAll(() => stopCounterOverHttp(h));

const call = (method: string): Promise<string> =>
  callCanister({
    agent,
    canisterId: hostile,
    label: 'hostile',
    method,
    argument: '',
    output: 'candid',
  });

async function failure(method: string): Promise<CliError> {
  const err = await call(method).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CliError);
  return err as CliError;
}

describe('tincan canister call with a hostile reply', () => {
  it('refuses an update reply whose record type contains itself', async () => {
    const err = await failure('selfRecord');
    expect(err.code).toBe('ERR_BAD_REPLY');
    expect(err.message).toMatch(
      /the reply of hostile\.selfRecord is not valid Candid for its result type: type 0 \(record\) has no finite value/,
    );
  });

  it('refuses a query reply of vec null where blob is declared', async () => {
    const err = await failure('nullBlob');
    expect(err.code).toBe('ERR_BAD_REPLY');
    expect(err.message).toMatch(/hostile\.nullBlob .*does not fit the expected type vec nat8/);
  });

  it('prints a well-formed reply', async () => {
    expect(await call('five')).toBe('(5 : nat)');
  });
});
