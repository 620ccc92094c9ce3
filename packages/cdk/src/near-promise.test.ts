import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import { NearPromise } from './near-promise.js';

// Building a promise needs no runtime: misuse is refused where it is written, before any call.
describe('NearPromise builder', () => {
  const hotel = Principal.fromText('bkyz2-fmaaa-aaaaa-qaaaq-cai');

  it('refuses a batch without its function call wherever it is used', async () => {
    const empty = NearPromise.new(hotel);
    const call = NearPromise.new(hotel).functionCall('reserve', [IDL.Text], ['2026-07-01']);
    expect(() => empty.then(call)).toThrow(
      /then: the promise batch on bkyz2-fmaaa-aaaaa-qaaaq-cai has no function call/,
    );
    expect(() => call.then(empty)).toThrow(/has no function call/);
    expect(() => call.and(empty)).toThrow(/and: the promise batch/);
    await expect(empty.asReturn()).rejects.toThrow(/asReturn: the promise batch/);
  });

  it('holds one function call per batch, with non-negative cycles', () => {
    const call = NearPromise.new(hotel.toText()).functionCall(
      'reserve',
      [IDL.Text],
      ['2026-07-01'],
      5n,
    );
    expect(() => call.functionCall('cancel', [IDL.Text], ['x'])).toThrow(
      /a tincan promise batch holds one function call/,
    );
    expect(() => NearPromise.new(hotel).functionCall('reserve', [], [], -1n)).toThrow(
      /cycles must not be negative/,
    );
  });

  it('refuses a join as a callback, and a join without a callback as a return value', async () => {
    const a = NearPromise.new(hotel).functionCall('reserve', [IDL.Text], ['a']);
    const b = NearPromise.new(hotel).functionCall('reserve', [IDL.Text], ['b']);
    expect(() => a.then(a.and(b))).toThrow(/the callback must be a single function call/);
    await expect(a.and(b).asReturn()).rejects.toThrow(
      /a join has no single result; add a callback with then/,
    );
  });
});
