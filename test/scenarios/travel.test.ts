/**
 * Travel agency (NEAR's cross-contract example on ICP): many users book trips at once, some for
 * full dates, some for a date that makes the hotel trap, some with an invalid city. Under any
 * seeded schedule the agency must answer every call once, undo every failed booking, and agree
 * with the hotel about what is booked.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { CallRejectedError, createTestReplica, identity, seededPolicy } from '@tincan/testing';
import type { SchedulerPolicy } from '@tincan/replica';
import { onlyReply, submit } from './scenario-helpers.js';

const HOTEL = 'canisters/travel/hotel/src/index.ts';
const AGENCY = 'canisters/travel/agency/src/index.ts';
const ROOMS = 2n;

const TripResult = IDL.Variant({ Ok: IDL.Text, Err: IDL.Text });
type TripResult = { Ok: string } | { Err: string };
interface Trip {
  id: bigint;
  traveler: Principal;
  city: string;
  date: string;
  reservation: string;
}
interface Request {
  readonly user: string;
  readonly city: string;
  readonly date: string;
}

const USERS = ['alice', 'bob', 'carol', 'dave'];
const DATES = ['2026-07-01', '2026-07-02', '2026-07-03', 'trap'];
const requestArb: fc.Arbitrary<Request> = fc.record({
  user: fc.constantFrom(...USERS),
  city: fc.constantFrom('Lisbon', 'Kyoto', 'Oslo', ''),
  date: fc.constantFrom(...DATES),
});

/** Deploys hotel and agency under `scheduler`, runs `requests` concurrently, checks invariants. */
async function checkTravel(scheduler: SchedulerPolicy, requests: readonly Request[]): Promise<void> {
  const t = await createTestReplica({ scheduler });
  try {
    const { replica } = t;
    const hotel = await replica.deploy(HOTEL, { initArgs: [ROOMS] });
    const agency = await replica.deploy(AGENCY, { initArgs: [[hotel.id]] });
    const calls = requests.map((r) => submit(replica, agency.id, 'reserve_trip', [IDL.Text, IDL.Text], [r.city, r.date], identity(r.user)));
    await replica.idle();

    // Every call answered exactly once, with a reply: the agency reports failures as Err.
    expect(calls.map((c) => c.answers.length)).toEqual(requests.map(() => 1));
    const results = calls.map((c, i) => onlyReply<TripResult>(c, TripResult, `reserve_trip #${i}`));

    // Invalid requests fail; the 'trap' date fails because the hotel trapped.
    requests.forEach((r, i) => {
      if (r.city === '') expect(results[i]).toEqual({ Err: 'city must not be empty' });
      else if (r.date === 'trap') expect(results[i]).toMatchObject({ Err: expect.stringMatching(/^hotel failed: IC0503: Error from Canister .* Canister called `ic0.trap` with message: 'hotel cannot handle the date 'trap''/) });
    });

    const agencyActor = replica.actor<any>(agency);
    const hotelActor = replica.actor<any>(hotel);
    // Every failed booking was undone: nothing stays pending, no call context stays open.
    expect(await agencyActor.pending()).toBe(0n);
    expect(replica.runtime.openContexts(agency.id.toUint8Array())).toBe(0);
    expect(replica.runtime.openContexts(hotel.id.toUint8Array())).toBe(0);

    // The agency's confirmed trips are exactly the Ok answers, each for its own traveler.
    const trips = (await agencyActor.trips()) as Trip[];
    const oks = results.flatMap((res, i) => ('Ok' in res ? [{ reservation: res.Ok, request: requests[i] as Request }] : []));
    expect(trips.map((trip) => trip.reservation).sort()).toEqual(oks.map((o) => o.reservation).sort());
    for (const { reservation, request } of oks) {
      const trip = trips.find((x) => x.reservation === reservation);
      expect(trip?.traveler.toText()).toBe(identity(request.user).toText());
      expect({ city: trip?.city, date: trip?.date }).toEqual({ city: request.city, date: request.date });
    }

    // Per date: the hotel's bookings equal the confirmed trips, never exceed the rooms, and
    // every valid request got a room while rooms were left (there are no cancellations here).
    for (const date of DATES) {
      const booked = (await hotelActor.booked(date)) as bigint;
      const confirmed = BigInt(trips.filter((trip) => trip.date === date).length);
      const valid = BigInt(requests.filter((r) => r.date === date && r.city !== '' && date !== 'trap').length);
      expect(booked, `booked on ${date}`).toBe(confirmed);
      expect(booked <= ROOMS, `${date} overbooked: ${booked}`).toBe(true);
      expect(booked, `rooms given on ${date}`).toBe(valid < ROOMS ? valid : ROOMS);
    }
  } finally {
    await t.dispose();
  }
}

describe('travel agency', () => {
  it('keeps agency and hotel consistent under concurrent bookings, for any schedule', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 0x7fffffff }), fc.array(requestArb, { minLength: 1, maxLength: 14 }), async (seed, requests) => {
        await checkTravel(seededPolicy(seed), requests);
      }),
      { numRuns: 25 },
    );
  });

  it('commits the pending trip at the await, and undoes it when the hotel is full', async () => {
    const t = await createTestReplica();
    try {
      const { replica } = t;
      const alice = identity('alice');
      const hotel = await replica.deploy(HOTEL, { initArgs: [1n] });
      const agency = await replica.deploy(AGENCY, { initArgs: [[hotel.id]] });
      const agencyActor = replica.actor<any>(agency, { identity: alice });

      // Step the runtime by hand: one execution of reserve_trip runs up to its `await`.
      const first = submit(replica, agency.id, 'reserve_trip', [IDL.Text, IDL.Text], ['Kyoto', '2026-07-01'], alice);
      expect(replica.runtime.step()).toBe(true);
      expect(await agencyActor.pending()).toBe(1n); // committed, although the call is in flight
      await replica.idle();
      const reservation = onlyReply<TripResult>(first, TripResult, 'first');
      expect(reservation).toMatchObject({ Ok: expect.any(String) });
      expect(await agencyActor.pending()).toBe(0n);

      // The only room is taken: the hotel rejects, the agency's catch block undoes its pending trip.
      expect(await agencyActor.reserve_trip('Oslo', '2026-07-01')).toEqual({ Err: 'hotel failed: no rooms left on 2026-07-01' });
      expect(await agencyActor.pending()).toBe(0n);
      expect(((await agencyActor.trips()) as Trip[]).map((trip) => trip.city)).toEqual(['Kyoto']);

      // Only the agency, which made the reservation, may cancel it at the hotel.
      const hotelAsAlice = replica.actor<any>(hotel, { identity: alice });
      expect(await hotelAsAlice.cancel('Ok' in reservation ? reservation.Ok : '')).toBe(false);
      const own = (await hotelAsAlice.reserve('2026-07-02')) as string;
      expect(await hotelAsAlice.booked('2026-07-02')).toBe(1n);
      expect(await hotelAsAlice.cancel(own)).toBe(true);
      expect(await hotelAsAlice.booked('2026-07-02')).toBe(0n);
      const full = await hotelAsAlice.reserve('2026-07-01').catch((e: unknown) => e);
      expect(full).toBeInstanceOf(CallRejectedError);
      expect(full).toMatchObject({ rejectCode: 4, rejectMessage: 'no rooms left on 2026-07-01' });

      // Committed heap state (maps of records holding principals) survives a restart.
      const restarted = await t.restart();
      const [trip] = (await restarted.actor<any>(agency).trips()) as Trip[];
      expect(trip?.traveler.toText()).toBe(alice.toText());
      expect(await restarted.actor<any>(hotel).booked('2026-07-01')).toBe(1n);
    } finally {
      await t.dispose();
    }
  });
});
