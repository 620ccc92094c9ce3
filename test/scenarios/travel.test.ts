/**
 * Travel agency (NEAR's cross-contract example on ICP): many users book trips at once, some for
 * full dates, some for a date that makes the hotel trap, some with an invalid city. Under any
 * seeded schedule the agency must answer every call once, undo every failed booking, and agree
 * with the hotel about what is booked.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IDL } from '@dfinity/candid';
import { CallRejectedError, createTestReplica, identity, seededPolicy } from '@tincan/testing';
import { onlyReply, submit } from './scenario-helpers.js';
import type Agency from '../../canisters/travel/agency/src/index.js';
import { AGENCY, HOTEL, checkTravel, requestArb, TripResult } from './travel-check.js';
import type { HotelMethods } from './travel-check.js';

describe('travel agency', () => {
  it('keeps agency and hotel consistent under concurrent bookings, for any schedule', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 0x7fffffff }),
        fc.array(requestArb, { minLength: 1, maxLength: 14 }),
        async (seed, requests) => {
          await checkTravel(AGENCY, seededPolicy(seed), requests);
        },
      ),
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
      const agencyActor = replica.actor<Agency>(agency, { identity: alice });

      // Step the runtime by hand: one execution of reserve_trip runs up to its `await`.
      const first = submit(
        replica,
        agency.id,
        'reserve_trip',
        [IDL.Text, IDL.Text],
        ['Kyoto', '2026-07-01'],
        alice,
      );
      expect(replica.runtime.step()).toBe(true);
      expect(await agencyActor.pending()).toBe(1n); // committed, although the call is in flight
      await replica.idle();
      const reservation = onlyReply<TripResult>(first, TripResult, 'first');
      expect(reservation).toMatchObject({ Ok: expect.any(String) as unknown });
      expect(await agencyActor.pending()).toBe(0n);

      // The only room is taken: the hotel rejects, the agency's catch block undoes its pending trip.
      expect(await agencyActor.reserve_trip('Oslo', '2026-07-01')).toEqual({
        Err: 'hotel failed: no rooms left on 2026-07-01',
      });
      expect(await agencyActor.pending()).toBe(0n);
      expect((await agencyActor.trips()).map((trip) => trip.city)).toEqual(['Kyoto']);

      // Only the agency, which made the reservation, may cancel it at the hotel.
      const hotelAsAlice = replica.actor<HotelMethods>(hotel, { identity: alice });
      expect(await hotelAsAlice.cancel('Ok' in reservation ? reservation.Ok : '')).toBe(false);
      const own = await hotelAsAlice.reserve('2026-07-02');
      expect(await hotelAsAlice.booked('2026-07-02')).toBe(1n);
      expect(await hotelAsAlice.cancel(own)).toBe(true);
      expect(await hotelAsAlice.booked('2026-07-02')).toBe(0n);
      const full = await hotelAsAlice.reserve('2026-07-01').catch((e: unknown) => e);
      expect(full).toBeInstanceOf(CallRejectedError);
      expect(full).toMatchObject({ rejectCode: 4, rejectMessage: 'no rooms left on 2026-07-01' });

      // Committed heap state (maps of records holding principals) survives a restart.
      const restarted = await t.restart();
      const [trip] = await restarted.actor<Agency>(agency).trips();
      expect(trip?.traveler.toText()).toBe(alice.toText());
      expect(await restarted.actor<HotelMethods>(hotel).booked('2026-07-01')).toBe(1n);
    } finally {
      await t.dispose();
    }
  });
});
