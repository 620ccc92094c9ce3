/**
 * Fuzzing the HTTP interface over real HTTP: thousands of random and mutated envelopes (valid
 * signed and anonymous envelopes with bytes flipped, cut short, fields dropped or retyped),
 * to every endpoint. The server must answer each with a status from the interface's set and
 * never with 500, and afterwards still serve a valid call with no committed update lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Principal } from '@dfinity/principal';
import {
  envelopeOf,
  fuzzEndpoints,
  makeKey,
  requestContent,
  Rng,
} from '@tincan/bench/fuzz-envelopes';
import { concatBytes, encodeCbor, utf8 } from '@tincan/certification';
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

const ANSWERS = new Set([200, 202, 400, 403, 404, 405, 413]);

/**
 * The seed envelopes mutations start from: one of each request type, anonymous and signed by a
 * seeded key, built as the bench's HTTP fuzz builds its valid envelopes.
 */
function seeds(): Array<Record<string, unknown>> {
  const rng = new Rng(0x5eed);
  const key = makeKey(rng);
  const types = ['call', 'query', 'read_state'] as const;
  return [
    ...types.map((type) => envelopeOf(requestContent(type, h.canisterId, Uint8Array.of(4), rng))),
    ...types.map((type) => envelopeOf(requestContent(type, h.canisterId, key.sender, rng), key)),
  ];
}

const oddValue = fc.oneof(
  fc.integer(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.string({ maxLength: 20 }),
  fc.uint8Array({ maxLength: 40 }),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 4 }),
  fc
    .nat(200)
    .map((depth) => Array.from({ length: depth }).reduce<unknown[]>((inner) => [inner], [])),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.integer(), { maxKeys: 3 }),
);

type Mutation =
  | { kind: 'flip'; at: number[]; xor: number }
  | { kind: 'cut'; at: number }
  | { kind: 'drop'; field: number; inContent: boolean }
  | { kind: 'retype'; field: number; inContent: boolean; value: unknown }
  | { kind: 'random'; bytes: Uint8Array }
  | { kind: 'append'; bytes: Uint8Array }
  | {
      kind: 'respell';
      field: 'arg' | 'method_name' | 'canister_id' | 'nonce';
      bytes: Uint8Array;
      text: string;
    };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
    xor: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('drop' as const), field: fc.nat(), inContent: fc.boolean() }),
  fc.record({
    kind: fc.constant('retype' as const),
    field: fc.nat(),
    inContent: fc.boolean(),
    value: oddValue,
  }),
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 200 }) }),
  fc.record({
    kind: fc.constant('append' as const),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 20 }),
  }),
  // Well-typed but wrong values: these pass decoding (unsigned ones also authentication) and
  // reach routing, the canister and its Candid decoder.
  fc.record({
    kind: fc.constant('respell' as const),
    field: fc.constantFrom(
      'arg' as const,
      'method_name' as const,
      'canister_id' as const,
      'nonce' as const,
    ),
    bytes: fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.uint8Array({ maxLength: 30 }).map((tail) => concatBytes(utf8('DIDL'), tail)),
    ),
    text: fc.oneof(
      fc.constantFrom('add', 'get', 'totalOf', '', '__get_candid_interface_tmp_hack'),
      fc.string({ maxLength: 12 }),
    ),
  }),
);

function mutate(seed: Record<string, unknown>, m: Mutation): Uint8Array {
  if (m.kind === 'random') return m.bytes;
  if (m.kind === 'respell') {
    const content = {
      ...(seed.content as Record<string, unknown>),
      [m.field]: m.field === 'method_name' ? m.text : m.bytes,
    };
    return encodeCbor({ ...seed, content });
  }
  if (m.kind === 'drop' || m.kind === 'retype') {
    const content = { ...(seed.content as Record<string, unknown>) };
    const target: Record<string, unknown> = m.inContent ? content : { ...seed, content };
    const keys = Object.keys(target);
    const key = keys[m.field % keys.length] as string;
    if (m.kind === 'drop') delete target[key];
    else target[key] = m.value;
    return encodeCbor(m.inContent ? { ...seed, content } : target);
  }
  const bytes = Uint8Array.from(encodeCbor(seed));
  if (m.kind === 'cut') return bytes.subarray(0, m.at % bytes.length);
  if (m.kind === 'append') return concatBytes(bytes, m.bytes);
  for (const at of m.at) bytes[at % bytes.length] = (bytes[at % bytes.length] ?? 0) ^ m.xor;
  return bytes;
}

describe('fuzzing the HTTP interface', () => {
  it('answers thousands of mutated envelopes without a 500, then serves a valid call with no state lost', async () => {
    const all = seeds();
    const subnet = Principal.selfAuthenticating(h.server.rootKey).toText();
    const endpoints = fuzzEndpoints(h.canisterId, subnet);
    const committed = await addOne(); // an update committed before the storm
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.nat(all.length - 1),
        fc.nat(endpoints.length - 1),
        mutation,
        async (seedIndex, endpointIndex, m) => {
          const res = await postCbor(
            h.server,
            endpoints[endpointIndex] as string,
            mutate(all[seedIndex] as Record<string, unknown>, m),
          );
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(ANSWERS.has(res.status), `status ${res.status}`).toBe(true);
        },
      ),
      { seed: 0x7a1c, numRuns: 3000 },
    );
    // Most mutations are refused; some (an anonymous call with a flipped nonce, say) still run.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(1000);
    const after = await addOne();
    expect(after).toBeGreaterThan(committed);
  });
});

/** Sends a valid anonymous add(1) and returns the counter it reports. */
async function addOne(): Promise<bigint> {
  const content = anonymousContent('call', h.canisterId, 'add', natArg(1n));
  const res = await postCbor(
    h.server,
    `/api/v2/canister/${h.canisterId.toText()}/call`,
    envelope(content),
  );
  expect(res.status).toBe(202);
  await h.t.replica.idle();
  return counterValue(h);
}
