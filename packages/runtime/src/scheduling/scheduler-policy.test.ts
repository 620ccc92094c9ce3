import { describe, expect, it } from 'vitest';
import { seededPolicy, type SchedulerCandidate } from './scheduler-policy.js';

const candidates: SchedulerCandidate[] = Array.from({ length: 7 }, (_, i) => ({
  seq: i,
  canister: 'c',
  kind: 'request',
}));
const picks = (seed: number): number[] => {
  const policy = seededPolicy(seed);
  return Array.from({ length: 50 }, () => policy.pick(candidates));
};

describe('seededPolicy', () => {
  it('replays the same picks for the same seed', () => {
    expect(picks(42)).toEqual(picks(42));
  });
  it('gives different schedules for different seeds, within range', () => {
    expect(picks(1)).not.toEqual(picks(2));
    for (const p of picks(3)) {
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(7);
    }
  });
});
