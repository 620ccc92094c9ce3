/**
 * Derives a canister's `Math.random` seed from the replica seed and the canister id, so every
 * canister has its own stream and a replica with the same seed replays the same numbers.
 */
export function seedWords(
  replicaSeed: Uint8Array,
  canisterId: Uint8Array,
): [number, number, number, number] {
  const words: [number, number, number, number] = [0, 0, 0, 0];
  for (let w = 0; w < 4; w++) {
    // FNV-1a over (word index, seed, id); good enough mixing for a PRNG seed, and no host entropy.
    let h = (0x811c9dc5 ^ (w * 0x9e3779b9)) >>> 0;
    for (const b of [...replicaSeed, ...canisterId]) {
      h ^= b;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    words[w] = h || 1;
  }
  return words;
}
