/**
 * The default clock of a replica (the host's clock plus an offset `advanceTime` raises, as the
 * dashboard's "Advance time" does on `tincan start`): timers due by the new time fire, the
 * offset survives a reopen so time never goes back, and the HTTP interface keeps the host's time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Replica } from '@tincan/replica';
import type DashboardState from '../fixtures/dashboard-state.js';

const dirs: string[] = [];
const open: Replica[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const hostNs = (): bigint => BigInt(Date.now()) * 1_000_000n;
const HOUR_NS = 3_600_000_000_000n;

describe('the default (wall) clock moved ahead', () => {
  it('fires timers due by the new time, keeps the offset across a reopen, and leaves the interface on host time', async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'tincan-clock-'));
    dirs.push(stateDir);
    const replica = await Replica.create({ stateDir });
    open.push(replica);
    const canister = await replica.deploy('test/fixtures/dashboard-state.ts');
    const actor = replica.actor<DashboardState>(canister);
    await actor.remindIn(3_000);
    await replica.advanceTime(1_000_000);
    expect(await actor.reminded()).toBe(0);
    await replica.advanceTime(2_600_000);
    expect(await actor.reminded()).toBe(1);
    expect(replica.clockInfo()).toEqual({ kind: 'wall', offsetNs: HOUR_NS });
    expect(replica.timeNs()).toBeGreaterThanOrEqual(hostNs() + HOUR_NS - 60_000_000_000n);
    // The HTTP interface's time stays the host's, for agents.
    const interfaceNs = replica.interfaceTimeNs();
    expect(interfaceNs).toBeLessThanOrEqual(hostNs());
    expect(interfaceNs).toBeGreaterThan(hostNs() - 60_000_000_000n);
    await expect(replica.advanceTime(-1)).rejects.toThrow('time never goes backwards');
    const before = replica.timeNs();
    await replica.close();
    open.length = 0;

    const reopened = await Replica.create({ stateDir });
    open.push(reopened);
    expect(reopened.clockInfo().offsetNs).toBe(HOUR_NS);
    expect(reopened.timeNs()).toBeGreaterThanOrEqual(before);
  }, 60_000);
});
