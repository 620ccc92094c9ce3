/**
 * The travel agency written with dispatch/reply (`canisters/travel/agency-dispatch`) against the
 * ICP-style one (`canisters/travel/agency`): the same bookings, one after another or all at
 * once, end in the same trips (with the same reservation ids), the same hotel bookings per date
 * and nothing pending, though the dispatch agency answers the traveler before the hotel's
 * outcome is known (its reply handler confirms or drops the trip inside the transaction).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { createTestReplica, identity } from '@tincan/testing';
import type { Replica } from '@tincan/replica';
import type Agency from '../../canisters/travel/agency/src/index.js';
import { onlyReply, submit } from '../scenarios/scenario-helpers.js';
import { AGENCY, DATES, HOTEL, requestArb, TripResult } from '../scenarios/travel-check.js';
import type { HotelMethods, Request } from '../scenarios/travel-check.js';

const AGENCY_DISPATCH = 'canisters/travel/agency-dispatch/src/index.ts';

interface TravelState {
  readonly trips: {
    id: bigint;
    traveler: string;
    city: string;
    date: string;
    reservation: string;
  }[];
  readonly pending: bigint;
  readonly bookedByDate: Record<string, bigint>;
}

async function runScenario(
  agencyMain: string,
  rooms: bigint,
  requests: readonly Request[],
  mode: 'sequential' | 'concurrent',
): Promise<TravelState & { answers: TripResult[] }> {
  const t = await createTestReplica();
  try {
    const { replica } = t;
    const hotel = await replica.deploy(HOTEL, { initArgs: [rooms] });
    const agency = await replica.deploy(agencyMain, { initArgs: [[hotel.id]] });
    const answers: TripResult[] = [];
    if (mode === 'sequential') {
      for (const r of requests)
        answers.push(
          // Both agencies declare the same `reserve_trip`.
          await replica
            .actor<Agency>(agency, { identity: identity(r.user) })
            .reserve_trip(r.city, r.date),
        );
    } else {
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
      answers.push(
        ...calls.map((c, i) => onlyReply<TripResult>(c, TripResult, `reserve_trip #${i}`)),
      );
    }
    return { answers, ...(await stateOf(replica, agency.id, hotel.id)) };
  } finally {
    await t.dispose();
  }
}

async function stateOf(
  replica: Replica,
  agency: Principal,
  hotel: Principal,
): Promise<TravelState> {
  const trips = (await replica.actor<Agency>(agency).trips()).map((trip) => ({
    ...trip,
    traveler: trip.traveler.toText(),
  }));
  const bookedByDate: Record<string, bigint> = {};
  for (const date of DATES)
    bookedByDate[date] = await replica.actor<HotelMethods>(hotel).booked(date);
  return { trips, pending: await replica.actor<Agency>(agency).pending(), bookedByDate };
}

describe('travel agency with dispatch/reply', () => {
  it.each(['sequential', 'concurrent'] as const)(
    'reaches the same final states as the ICP-style agency (%s requests)',
    async (mode) => {
      await fc.assert(
        fc.asyncProperty(
          fc.bigInt({ min: 1n, max: 3n }),
          fc.array(requestArb, { minLength: 1, maxLength: 8 }),
          async (rooms, requests) => {
            const icp = await runScenario(AGENCY, rooms, requests, mode);
            const tx = await runScenario(AGENCY_DISPATCH, rooms, requests, mode);
            expect({ trips: tx.trips, pending: tx.pending, bookedByDate: tx.bookedByDate }).toEqual(
              { trips: icp.trips, pending: icp.pending, bookedByDate: icp.bookedByDate },
            );
            expect(tx.pending).toBe(0n);
            // Invalid requests get the same Err; valid ones an Ok naming the trip, whatever the hotel did.
            requests.forEach((r, i) => {
              if (r.city === '') expect(tx.answers[i]).toEqual(icp.answers[i]);
              else
                expect(tx.answers[i]).toEqual({
                  Ok: expect.stringMatching(/^trip \d+ requested$/) as unknown,
                });
            });
          },
        ),
        { numRuns: 6, seed: 15_002 },
      );
    },
    600_000,
  );
});
