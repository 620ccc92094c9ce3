/**
 * The travel-agency scenario shared by its two versions (ICP-style `await call` and NEAR's
 * promises): the canisters, the requests, and the invariants checked under concurrent bookings.
 */
import { expect } from 'vitest';
import fc from 'fast-check';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { createTestReplica, identity } from '@tincan/testing';
import type { SchedulerPolicy } from '@tincan/replica';
import type Agency from '../../canisters/travel/agency/src/index.js';
import type Hotel from '../../canisters/travel/hotel/src/index.js';
import { onlyReply, submit } from './scenario-helpers.js';

export const HOTEL = 'canisters/travel/hotel/src/index.ts';
export const AGENCY = 'canisters/travel/agency/src/index.ts';
export const ROOMS = 2n;

export const TripResult = IDL.Variant({ Ok: IDL.Text, Err: IDL.Text });
export type TripResult = { Ok: string } | { Err: string };
export interface Trip {
  id: bigint;
  traveler: Principal;
  city: string;
  date: string;
  reservation: string;
}
/**
 * The hotel's methods as Candid declares them: `reserve` is manual (it decodes its argument and
 * answers by itself), so its class signature `reserve(): void` is not the one callers see.
 */
export interface HotelMethods extends Omit<Hotel, 'reserve'> {
  reserve(date: string): string;
}
export interface Request {
  readonly user: string;
  readonly city: string;
  readonly date: string;
}

export const USERS = ['alice', 'bob', 'carol', 'dave'];
export const DATES = ['2026-07-01', '2026-07-02', '2026-07-03', 'trap'];
export const requestArb: fc.Arbitrary<Request> = fc.record({
  user: fc.constantFrom(...USERS),
  city: fc.constantFrom('Lisbon', 'Kyoto', 'Oslo', ''),
  date: fc.constantFrom(...DATES),
});

/**
 * Deploys the hotel and the agency at `agencyMain` under `scheduler`, runs `requests`
 * concurrently, and checks the invariants every version of the agency must keep.
 */
export async function checkTravel(
  agencyMain: string,
  scheduler: SchedulerPolicy,
  requests: readonly Request[],
): Promise<void> {
  const t = await createTestReplica({ scheduler });
  try {
    const { replica } = t;
    const hotel = await replica.deploy(HOTEL, { initArgs: [ROOMS] });
    const agency = await replica.deploy(agencyMain, { initArgs: [[hotel.id]] });
    const calls = requests.map((r) =>
      submit(
        replica,
        agency.id,
        'reserve_trip',
        [IDL.Text, IDL.Text],
        [r.city, r.date],
        identity(r.user),
      ),
    );
    await replica.idle();

    // Every call answered exactly once, with a reply: the agency reports failures as Err.
    expect(calls.map((c) => c.answers.length)).toEqual(requests.map(() => 1));
    const results = calls.map((c, i) => onlyReply<TripResult>(c, TripResult, `reserve_trip #${i}`));

    // Invalid requests fail; the 'trap' date fails because the hotel trapped.
    requests.forEach((r, i) => {
      if (r.city === '') expect(results[i]).toEqual({ Err: 'city must not be empty' });
      else if (r.date === 'trap')
        expect(results[i]).toMatchObject({
          Err: expect.stringMatching(
            /^hotel failed: IC0503: Error from Canister .* Canister called `ic0.trap` with message: 'hotel cannot handle the date 'trap''/,
          ) as unknown,
        });
    });

    // Every version of the agency answers the ICP agency's `trips` and `pending`.
    const agencyActor = replica.actor<Agency>(agency);
    const hotelActor = replica.actor<HotelMethods>(hotel);
    // Every failed booking was undone: nothing stays pending, no call context stays open.
    expect(await agencyActor.pending()).toBe(0n);
    expect(replica.runtime.openContexts(agency.id.toUint8Array())).toBe(0);
    expect(replica.runtime.openContexts(hotel.id.toUint8Array())).toBe(0);

    // The agency's confirmed trips are exactly the Ok answers, each for its own traveler.
    const trips: Trip[] = await agencyActor.trips();
    const oks = results.flatMap((res, i) =>
      'Ok' in res ? [{ reservation: res.Ok, request: requests[i] as Request }] : [],
    );
    expect(trips.map((trip) => trip.reservation).sort()).toEqual(
      oks.map((o) => o.reservation).sort(),
    );
    for (const { reservation, request } of oks) {
      const trip = trips.find((x) => x.reservation === reservation);
      expect(trip?.traveler.toText()).toBe(identity(request.user).toText());
      expect({ city: trip?.city, date: trip?.date }).toEqual({
        city: request.city,
        date: request.date,
      });
    }

    // Per date: the hotel's bookings equal the confirmed trips, never exceed the rooms, and
    // every valid request got a room while rooms were left (there are no cancellations here).
    for (const date of DATES) {
      const booked = await hotelActor.booked(date);
      const confirmed = BigInt(trips.filter((trip) => trip.date === date).length);
      const valid = BigInt(
        requests.filter((r) => r.date === date && r.city !== '' && date !== 'trap').length,
      );
      expect(booked, `booked on ${date}`).toBe(confirmed);
      expect(booked <= ROOMS, `${date} overbooked: ${booked}`).toBe(true);
      expect(booked, `rooms given on ${date}`).toBe(valid < ROOMS ? valid : ROOMS);
    }
  } finally {
    await t.dispose();
  }
}
