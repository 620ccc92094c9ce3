import { afterEach, describe, expect, it } from 'vitest';
import {
  blsVerify,
  createTreeHasher,
  generateRootKey,
  labeled,
  leaf,
  encodeLeb128,
  stateRootHashMessage,
  type HashTree,
} from '@tincan/certification';
import { CertificationRounds } from './rounds.js';
import { RootSigner } from './root-signer.js';

const key = generateRootKey(new Uint8Array(32).fill(9));
let signer: RootSigner | undefined;
afterEach(async () => {
  await signer?.close();
  signer = undefined;
});

/** Rounds over a tree whose one leaf is a counter the test bumps, signed by a real worker. */
function setup(nowNs: () => bigint = () => BigInt(Date.now()) * 1_000_000n, fillWaitMs?: number) {
  signer = new RootSigner(key.secretKey);
  const s = signer;
  const hasher = createTreeHasher();
  let value = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const roundValues: number[] = [];
  const rounds = new CertificationRounds({
    nowNs,
    build: (): HashTree => {
      roundValues.push(value);
      return labeled('value', leaf(encodeLeb128(value)));
    },
    hash: hasher,
    ...(fillWaitMs !== undefined && { fillWaitMs }),
    sign: async (rootHash) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await s.sign(rootHash);
      } finally {
        inFlight--;
      }
    },
  });
  const bump = (): number => {
    value++;
    return rounds.changed();
  };
  return { rounds, hasher, bump, roundValues, maxInFlight: () => maxInFlight };
}

describe('CertificationRounds', () => {
  it('signs one round at a time and gives changes made during a round to the next one, all together', async () => {
    const { rounds, hasher, bump, roundValues, maxInFlight } = setup();
    const first = bump();
    const firstDone = rounds.certified(first);
    // Let the first round start, then change more while it is being signed.
    await new Promise((resolve) => setImmediate(resolve));
    expect(roundValues).toEqual([1]);
    const later = [bump(), bump(), bump()];
    await firstDone;
    await Promise.all(later.map((seq) => rounds.certified(seq)));
    expect(roundValues).toEqual([1, 4]);
    expect(maxInFlight()).toBe(1);
    const signed = await rounds.latest();
    expect(
      blsVerify(signed.signature, stateRootHashMessage(hasher(signed.tree)), key.publicKey),
    ).toBe(true);
  });

  it('waits for as many changes as the last round answered before starting the next one', async () => {
    const { rounds, bump, roundValues } = setup(undefined, 60_000);
    await Promise.all([bump(), bump(), bump()].map((seq) => rounds.certified(seq)));
    expect(roundValues).toEqual([3]);
    let done = false;
    const next = Promise.all([bump(), bump()].map((seq) => rounds.certified(seq))).then(
      () => (done = true),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Two of the three callers are back: the round waits (fillWaitMs is a minute here).
    expect(roundValues).toEqual([3]);
    expect(done).toBe(false);
    await Promise.all([next, rounds.certified(bump())]);
    expect(roundValues).toEqual([3, 6]);
  });

  it('signs a lone caller change at once, round after round', async () => {
    const { rounds, bump, roundValues } = setup(undefined, 60_000);
    for (let i = 0; i < 3; i++) await rounds.certified(bump());
    expect(roundValues).toEqual([1, 2, 3]);
  });

  it('serves the last signed tree while it is fresh and signs a new one once it is a second old', async () => {
    let now = 5_000_000_000n;
    const { rounds, roundValues } = setup(() => now);
    const a = await rounds.latest();
    expect(await rounds.latest()).toBe(a);
    now += 1_500_000_000n;
    const b = await rounds.latest();
    expect(b.timeNs).toBe(now);
    expect(roundValues).toHaveLength(2);
  });

  it('rejects waiters with 503 when closed', async () => {
    const { rounds, bump } = setup();
    const waiting = expect(rounds.certified(bump())).rejects.toMatchObject({ status: 503 });
    rounds.close();
    await waiting;
    await expect(rounds.latest()).rejects.toMatchObject({ status: 503 });
  });
});
