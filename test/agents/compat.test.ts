/**
 * The user's path end to end, with both official agents used as published: `tincan start`
 * (a subprocess on a random port), `tincan deploy` of the example canisters, `tincan generate`
 * for their bindings, then `HttpAgent.create({ host, shouldFetchRootKey: true })` and
 * `Actor.createActor(idlFactory, …)` with the generated `idlFactory`, certificate and query
 * signature verification left at their defaults.
 */
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { IDL } from '@dfinity/candid';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, type CliResult } from '../cli/harness.js';
import { withReplica } from '../fixtures/with-replica.js';
import { dfinityKit, icpSdkKit, type AgentKit, type KitIdentity, type RejectCode } from './kits.js';

interface PrincipalLike {
  toText(): string;
}

interface Counter {
  add(n: bigint): Promise<bigint>;
  get(): Promise<bigint>;
  totalOf(who: PrincipalLike): Promise<bigint>;
}

interface Hotel {
  reserve(date: string): Promise<string>;
  booked(date: string): Promise<bigint>;
}

interface Trip {
  id: bigint;
  traveler: PrincipalLike;
  city: string;
  date: string;
  reservation: string;
}

interface Agency {
  reserve_trip(city: string, date: string): Promise<{ Ok: string } | { Err: string }>;
  trips(): Promise<Trip[]>;
}

const NAMES = ['counter', 'hotel', 'agency'] as const;
type Name = (typeof NAMES)[number];

const { project, replica } = withReplica({
  // The generated bindings import `@icp-sdk/core`; let them resolve it as an app would.
  prepare: (project) =>
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(project.dir, 'node_modules'), 'dir'),
});
const ids = {} as Record<Name, string>;
const factories = {} as Record<Name, unknown>;

/** Runs the CLI against the replica and fails with its output unless it exits 0. */
async function cli(...args: string[]): Promise<CliResult> {
  const res = await project.run(...args, '--host', replica.url);
  if (res.code !== 0)
    throw new Error(
      `tincan ${args.join(' ')} exited with ${res.code}:\n${res.stdout}${res.stderr}`,
    );
  return res;
}

/** `tincan deploy <name> …`; answers the id it printed. */
async function deploy(name: Name, ...args: string[]): Promise<string> {
  const { stdout } = await cli('deploy', name, ...args);
  const id = new RegExp(`^${name}: installed (\\S+-cai)`, 'm').exec(stdout)?.[1];
  if (id === undefined) throw new Error(`tincan deploy ${name} printed no id:\n${stdout}`);
  return id;
}

beforeAll(async () => {
  ids.counter = await deploy('counter');
  ids.hotel = await deploy('hotel'); // init_arg (1 : nat): one room per date
  ids.agency = await deploy('agency', '--argument', `(opt principal "${ids.hotel}")`);
  const generated = await project.run('generate');
  expect(generated).toMatchObject({ code: 0, stderr: '' });
  for (const name of NAMES) {
    const file = path.join(project.dir, 'src/declarations', name, `${name}.did.js`);
    factories[name] = (
      (await import(pathToFileURL(file).href)) as { idlFactory: unknown }
    ).idlFactory;
  }
});

/** The reject an agent surfaced (`error.cause.code`), checked to be of the agent's own class. */
async function rejectOf(
  promise: Promise<unknown>,
  expected: abstract new (...args: never[]) => RejectCode,
): Promise<RejectCode> {
  const err = await promise.then(
    () => {
      throw new Error('expected a reject');
    },
    (e: unknown) => e,
  );
  const code = (err as { cause?: { code?: unknown } }).cause?.code;
  expect(code).toBeInstanceOf(expected);
  return code as RejectCode;
}

describe.each([dfinityKit, icpSdkKit])(
  '$name, unmodified, default verification',
  (kit: AgentKit) => {
    const actor = <T>(name: Name, identity?: KitIdentity): Promise<T> =>
      kit.actor<T>(replica.url, factories[name], ids[name], identity);
    // Dates unique to this agent, so the two runs share the replica without meeting.
    const date = (day: string): string => `${kit.name}/${day}`;

    it('updates (certified) and queries (signed) the counter', async () => {
      const counter = await actor<Counter>('counter');
      const before = await counter.get();
      expect(await counter.add(5n)).toBe(before + 5n);
      expect(await counter.get()).toBe(before + 5n);
      // A second agent sees the committed state.
      expect(await (await actor<Counter>('counter')).get()).toBe(before + 5n);
    });

    it('verifies the node signatures of a query, as it does by default', async () => {
      const res = await kit.rawQuery(
        replica.url,
        ids.counter,
        'get',
        new Uint8Array(IDL.encode([], [])),
      );
      expect(res.status).toBe('replied');
      expect(res.signatures?.length).toBeGreaterThan(0);
    });

    it('calls as an Ed25519 identity: the canister sees its principal', async () => {
      const identity = kit.newEd25519();
      const counter = await actor<Counter>('counter', identity);
      await counter.add(3n);
      await counter.add(4n);
      expect(await counter.totalOf(identity.getPrincipal())).toBe(7n);
    });

    it('calls as a secp256k1 identity: the canister sees its principal', async () => {
      const identity = kit.newSecp256k1();
      const counter = await actor<Counter>('counter', identity);
      expect(await counter.add(11n)).toBeGreaterThanOrEqual(11n);
      expect(await counter.totalOf(identity.getPrincipal())).toBe(11n);
      // Anonymous callers are counted apart.
      expect(await (await actor<Counter>('counter')).totalOf(identity.getPrincipal())).toBe(11n);
    });

    it('makes an inter-canister call: agency → hotel, on behalf of the signed caller', async () => {
      const traveler = kit.newEd25519();
      const agency = await actor<Agency>('agency', traveler);
      const day = date('2030-05-01');
      const result = await agency.reserve_trip('Lisbon', day);
      // The hotel's reservation id, `<date>/<n>`, relayed by the agency.
      const reservation = 'Ok' in result ? result.Ok : `Err: ${result.Err}`;
      expect(reservation.slice(0, day.length + 1)).toBe(`${day}/`);
      expect(reservation.slice(day.length + 1)).toMatch(/^\d+$/);
      const trip = (await agency.trips()).find((t) => t.date === day);
      expect(trip).toMatchObject({ city: 'Lisbon', reservation });
      expect(trip?.traveler.toText()).toBe(traveler.getPrincipal().toText());
      expect(await (await actor<Hotel>('hotel')).booked(day)).toBe(1n);
      // The hotel's reject comes back to the agency's catch, which answers Err.
      expect(await agency.reserve_trip('Lisbon', day)).toEqual({
        Err: `hotel failed: no rooms left on ${day}`,
      });
    });

    it('surfaces an explicit reject as a certified reject with code 4 (IC0406)', async () => {
      const hotel = await actor<Hotel>('hotel');
      await hotel.reserve(date('2030-06-01'));
      const reject = await rejectOf(hotel.reserve(date('2030-06-01')), kit.CertifiedReject);
      expect(reject).toMatchObject({
        rejectCode: 4,
        rejectErrorCode: 'IC0406',
        rejectMessage: `no rooms left on ${date('2030-06-01')}`,
      });
    });

    it('surfaces a trap as a certified reject with code 5 (IC0503) and the trap message', async () => {
      const hotel = await actor<Hotel>('hotel');
      const reject = await rejectOf(hotel.reserve('trap'), kit.CertifiedReject);
      expect(reject).toMatchObject({ rejectCode: 5, rejectErrorCode: 'IC0503' });
      expect(reject.rejectMessage).toContain(`hotel cannot handle the date 'trap'`);
    });

    it('surfaces an unknown method as code 5 (IC0536), for updates and for signed queries', async () => {
      const ghost = ({ IDL: I }: { IDL: typeof IDL }): IDL.ServiceClass =>
        I.Service({ nope: I.Func([], [], []), nopeQuery: I.Func([], [], ['query']) });
      const counter = await kit.actor<{ nope(): Promise<void>; nopeQuery(): Promise<void> }>(
        replica.url,
        ghost,
        ids.counter,
      );
      expect(await rejectOf(counter.nope(), kit.CertifiedReject)).toMatchObject({
        rejectCode: 5,
        rejectErrorCode: 'IC0536',
      });
      expect(await rejectOf(counter.nopeQuery(), kit.UncertifiedReject)).toMatchObject({
        rejectCode: 5,
        rejectErrorCode: 'IC0536',
      });
    });
  },
);
