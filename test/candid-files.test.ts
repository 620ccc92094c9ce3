import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Replica, readProjectConfig } from '@tincan/replica';

// The committed .did files must be what the canisters' decorators say; `npm run candid` rewrites them.
describe('candid/ files', () => {
  let replica: Replica;
  beforeAll(async () => {
    replica = await Replica.create();
  });
  afterAll(() => replica.close());

  for (const canister of readProjectConfig(process.cwd())) {
    it(`${canister.name} matches its decorators`, async () => {
      expect(canister.candid).toBeDefined();
      const committed = readFileSync(canister.candid as string, 'utf8');
      expect(await replica.candidOf(canister.main)).toBe(committed);
    });
  }
});
