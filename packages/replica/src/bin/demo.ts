/**
 * `npm start`: deploys the example canisters into an in-process replica (real SQLite in a temp
 * directory), walks through a call flow that shows tincan's rules, restarts the replica on the
 * same state, and prints what it saw.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { Principal } from '@dfinity/principal';
import { Replica, type CanisterHandle } from '../replica.js';
import { readProjectConfig } from '../project-config.js';

const root = path.resolve(process.argv[2] ?? '.');
const stateDir = mkdtempSync(path.join(os.tmpdir(), 'tincan-demo-'));
const user = (name: string): Principal =>
  Principal.fromUint8Array(new Uint8Array([...createHash('sha224').update(name).digest(), 2]));
const alice = user('alice');
const bob = user('bob');
const mains = new Map(readProjectConfig(root).map((c) => [c.name, c.main]));
const main = (name: string): string =>
  mains.get(name) ?? path.join(root, 'canisters', name, 'src/index.ts');
const show = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    const principal = (v as { __principal__?: unknown } | null)?.__principal__;
    return typeof principal === 'string' ? principal : v;
  });

// The demo canisters' methods, as the demo calls them (results are only printed).
interface Counter {
  add(n: bigint): unknown;
  totalOf(who: Principal): unknown;
  get(): unknown;
}
interface Agency {
  reserve_trip(city: string, date: string): unknown;
  pending(): unknown;
  trips(): unknown;
}
interface Ledger {
  mint(to: Principal, amount: bigint): unknown;
  transfer_via_hook(to: Principal, amount: bigint, hook: Principal): unknown;
  balance_of(who: Principal): unknown;
  total_supply(): unknown;
}

async function step(label: string, run: () => Promise<unknown>): Promise<void> {
  try {
    console.log(`  ${label.padEnd(58)} → ${show(await run())}`);
  } catch (err) {
    console.log(`  ${label.padEnd(58)} ✗ ${(err as Error).message}`);
  }
}

console.log(`tincan demo: an in-process replica, state in ${stateDir}\n`);
let replica = await Replica.create({ stateDir });
const deployed = new Map<string, CanisterHandle>();
const deploy = async (name: string, initArgs: unknown[] = []): Promise<CanisterHandle> => {
  const started = performance.now();
  const handle = await replica.deploy(main(name), { initArgs });
  deployed.set(name, handle);
  console.log(
    `  deploy ${name.padEnd(14)} ${handle.id.toText()}  (${(performance.now() - started).toFixed(0)} ms, bundled + installed)`,
  );
  return handle;
};

try {
  console.log('Deploy');
  const counter = await deploy('counter');
  const hotel = await deploy('hotel', [1n]);
  const agency = await deploy('agency', [[hotel.id]]);
  const ledger = await deploy('ledger', [[alice]]);
  const notify = await deploy('ledger_notify', [[]]);

  console.log('\nCounter: heap state in a field, per-caller totals in a StableBTreeMap');
  await step('counter.add(5) as alice', () =>
    replica.actor<Counter>(counter, { identity: alice }).add(5n),
  );
  await step('counter.add(2) as bob', () =>
    replica.actor<Counter>(counter, { identity: bob }).add(2n),
  );
  await step('counter.totalOf(alice)  [query]', () =>
    replica.actor<Counter>(counter).totalOf(alice),
  );

  console.log('\nTravel agency: every `await call(...)` is a commit point');
  const agencyAs = (p: Principal) => replica.actor<Agency>(agency, { identity: p });
  await step('agency.reserve_trip("Lisbon", "2026-07-01") as alice', () =>
    agencyAs(alice).reserve_trip('Lisbon', '2026-07-01'),
  );
  await step('agency.reserve_trip("Porto", "2026-07-01") as bob (hotel full)', () =>
    agencyAs(bob).reserve_trip('Porto', '2026-07-01'),
  );
  await step('agency.reserve_trip("Faro", "trap") (hotel traps)', () =>
    agencyAs(bob).reserve_trip('Faro', 'trap'),
  );
  await step('agency.pending()  [query: catch blocks undid the pending trips]', () =>
    agencyAs(bob).pending(),
  );

  console.log('\nLedger: a per-caller lock held across an await');
  await step('ledger.mint(alice, 100) as alice (the minter)', () =>
    replica.actor<Ledger>(ledger, { identity: alice }).mint(alice, 100n),
  );
  const aliceLedger = replica.actor<Ledger>(ledger, { identity: alice });
  await step('two concurrent transfer_via_hook(bob, 30) as alice', () =>
    Promise.all([
      aliceLedger.transfer_via_hook(bob, 30n, notify.id),
      aliceLedger.transfer_via_hook(bob, 30n, notify.id),
    ]),
  );
  await step('ledger.balance_of(alice), balance_of(bob)', async () => [
    await aliceLedger.balance_of(alice),
    await aliceLedger.balance_of(bob),
  ]);

  console.log('\nRejects keep their ICP codes');
  await step('counter.add("five")  [wrong Candid]', () =>
    replica.update(counter.id, 'add', new TextEncoder().encode('five')).then((o) => o),
  );
  await step('counter.nope()  [no such method]', () =>
    replica.update(counter.id, 'nope', new Uint8Array()).then((o) => o),
  );

  console.log('\nRestart on the same state directory');
  await replica.close();
  const started = performance.now();
  replica = await Replica.create({ stateDir });
  console.log(
    `  reopened with ${replica.runtime.canisters().length} canisters in ${(performance.now() - started).toFixed(0)} ms`,
  );
  await step('counter.get()', () => replica.actor<Counter>(counter).get());
  await step('agency.trips()', () => replica.actor<Agency>(agency).trips());
  await step('ledger.total_supply()', () => replica.actor<Ledger>(ledger).total_supply());
  console.log('\nNext: write your own canister (README.md) and test it with @tincan/testing.');
} finally {
  await replica.close();
  rmSync(stateDir, { recursive: true, force: true });
}
