/**
 * The travel agency written with NEAR's promise API (`canisters/travel/agency-near`) against the
 * ICP-style one (`canisters/travel/agency`): the same scenarios end in the same states of agency
 * and hotel, the NEAR callback undoes the agency's bookkeeping when the hotel fails, only the
 * canister itself may run its callbacks, and `and(...)` hands one callback every result.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { createTestReplica, identity, seededPolicy } from '@tincan/testing';
import type { Replica } from '@tincan/replica';
import { PromiseResults } from '@tincan/cdk/extensions';
import type Agency from '../../canisters/travel/agency/src/index.js';
import type AgencyNear from '../../canisters/travel/agency-near/src/index.js';
import { onlyReply, submit } from './scenario-helpers.js';
import { AGENCY, DATES, HOTEL, checkTravel, requestArb, TripResult } from './travel-check.js';
import type { HotelMethods, Request } from './travel-check.js';

const AGENCY_NEAR = 'canisters/travel/agency-near/src/index.ts';

/** Everything a travel scenario ends with: each answer, the agency's trips and pending count, the hotel's bookings. */
interface TravelState {
  readonly answers: TripResult[];
  readonly trips: {
    id: bigint;
    traveler: string;
    city: string;
    date: string;
    reservation: string;
  }[];
  readonly pending: bigint;
  readonly bookedByDate: Record<string, bigint>;
  readonly openContexts: number;
}

/**
 * Deploys a hotel with `rooms` and the agency at `agencyMain`, runs `requests` (one after another,
 * or all submitted at once under the default first-come scheduler), and reads the end state.
 */
async function runScenario(
  agencyMain: string,
  rooms: bigint,
  requests: readonly Request[],
  mode: 'sequential' | 'concurrent',
): Promise<TravelState> {
  const t = await createTestReplica();
  try {
    const { replica } = t;
    const hotel = await replica.deploy(HOTEL, { initArgs: [rooms] });
    const agency = await replica.deploy(agencyMain, { initArgs: [[hotel.id]] });
    const answers: TripResult[] = [];
    if (mode === 'sequential') {
      for (const r of requests)
        answers.push(
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
    return await stateOf(replica, agency.id, hotel.id, answers);
  } finally {
    await t.dispose();
  }
}

async function stateOf(
  replica: Replica,
  agency: Principal,
  hotel: Principal,
  answers: TripResult[],
): Promise<TravelState> {
  // Both agencies answer the same `trips` and `pending`.
  const agencyActor = replica.actor<Agency>(agency);
  const hotelActor = replica.actor<HotelMethods>(hotel);
  const trips = (await agencyActor.trips()).map((trip) => ({
    ...trip,
    traveler: trip.traveler.toText(),
  }));
  const bookedByDate: Record<string, bigint> = {};
  for (const date of DATES) bookedByDate[date] = await hotelActor.booked(date);
  const openContexts =
    replica.runtime.openContexts(agency.toUint8Array()) +
    replica.runtime.openContexts(hotel.toUint8Array());
  return {
    answers,
    trips,
    pending: await agencyActor.pending(),
    bookedByDate,
    openContexts,
  };
}

describe('travel agency with NEAR promises', () => {
  it.each(['sequential', 'concurrent'] as const)(
    'reaches the same final states as the ICP-style agency (%s requests)',
    async (mode) => {
      await fc.assert(
        fc.asyncProperty(
          fc.bigInt({ min: 1n, max: 3n }),
          fc.array(requestArb, { minLength: 1, maxLength: 8 }),
          async (rooms, requests) => {
            const icp = await runScenario(AGENCY, rooms, requests, mode);
            const near = await runScenario(AGENCY_NEAR, rooms, requests, mode);
            expect(near).toEqual(icp);
            expect(near.pending).toBe(0n);
            expect(near.openContexts).toBe(0);
          },
        ),
        { numRuns: 6 },
      );
    },
    600_000,
  );

  it("keeps agency and hotel consistent under concurrent bookings, for any schedule (the ICP version's invariants)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 0x7fffffff }),
        fc.array(requestArb, { minLength: 1, maxLength: 14 }),
        async (seed, requests) => {
          await checkTravel(AGENCY_NEAR, seededPolicy(seed), requests);
        },
      ),
      { numRuns: 15 },
    );
  }, 600_000);

  it('commits the pending trip before the callback, and the callback undoes it when the hotel is full', async () => {
    const t = await createTestReplica();
    try {
      const { replica } = t;
      const alice = identity('alice');
      const hotel = await replica.deploy(HOTEL, { initArgs: [1n] });
      const agency = await replica.deploy(AGENCY_NEAR, { initArgs: [[hotel.id]] });
      const agencyActor = replica.actor<AgencyNear>(agency, { identity: alice });

      // One execution of reserve_trip: the pending trip is committed, the hotel call is in flight.
      const first = submit(
        replica,
        agency.id,
        'reserve_trip',
        [IDL.Text, IDL.Text],
        ['Kyoto', '2026-07-01'],
        alice,
      );
      expect(replica.runtime.step()).toBe(true);
      expect(await agencyActor.pending()).toBe(1n);

      // A user cannot run the private callback, even with a forged "success" for the pending trip.
      const forgedResults = [{ Successful: new Uint8Array(IDL.encode([IDL.Text], ['forged/0'])) }];
      const forged = submit(
        replica,
        agency.id,
        'hotel_reservation_complete',
        [PromiseResults, IDL.Nat],
        [forgedResults, 0n],
        identity('mallory'),
      );

      // The hotel answers, the callback confirms; the forged callback was refused and changed nothing.
      await replica.idle();
      expect(forged.answers).toEqual([
        {
          reject: expect.objectContaining({
            code: 5,
            message: expect.stringMatching(
              /this callback is private: caller .* is not this canister/,
            ) as unknown,
          }) as unknown,
        },
      ]);
      const reservation = onlyReply<TripResult>(first, TripResult, 'first');
      expect(reservation).toEqual({ Ok: '2026-07-01/0' });
      expect(await agencyActor.pending()).toBe(0n);
      expect((await agencyActor.trips()).map((trip) => trip.reservation)).toEqual(['2026-07-01/0']);

      // The only room is taken: the hotel rejects, nothing is rolled back for the agency by the
      // system, and the callback removes the pending trip itself.
      const second = submit(
        replica,
        agency.id,
        'reserve_trip',
        [IDL.Text, IDL.Text],
        ['Oslo', '2026-07-01'],
        alice,
      );
      expect(replica.runtime.step()).toBe(true);
      expect(await agencyActor.pending()).toBe(1n);
      await replica.idle();
      expect(onlyReply<TripResult>(second, TripResult, 'second')).toEqual({
        Err: 'hotel failed: no rooms left on 2026-07-01',
      });
      expect(await agencyActor.pending()).toBe(0n);
      expect((await agencyActor.trips()).map((trip) => [trip.city, trip.reservation])).toEqual([
        ['Kyoto', '2026-07-01/0'],
      ]);

      // A trapping hotel is a Failed result too.
      expect(await agencyActor.reserve_trip('Lima', 'trap')).toMatchObject({
        Err: expect.stringMatching(
          /^hotel failed: .*hotel cannot handle the date 'trap'/,
        ) as unknown,
      });
      expect(await agencyActor.pending()).toBe(0n);
      expect(replica.runtime.openContexts(agency.id.toUint8Array())).toBe(0);
    } finally {
      await t.dispose();
    }
  });

  it('joins bookings with and(...): one callback sees every result, and undoes the hotel bookings when one failed', async () => {
    const t = await createTestReplica();
    try {
      const { replica } = t;
      const bob = identity('bob');
      const hotel = await replica.deploy(HOTEL, { initArgs: [1n] });
      const agency = await replica.deploy(AGENCY_NEAR, { initArgs: [[hotel.id]] });
      const agencyActor = replica.actor<AgencyNear>(agency, { identity: bob });
      const hotelActor = replica.actor<HotelMethods>(hotel);

      expect(
        await agencyActor.reserve_nights('Rome', ['2026-08-01', '2026-08-02', '2026-08-03']),
      ).toEqual({ Ok: ['2026-08-01/0', '2026-08-02/1', '2026-08-03/2'] });
      const trips = await agencyActor.trips();
      expect(trips.map((trip) => [trip.date, trip.reservation, trip.traveler.toText()])).toEqual([
        ['2026-08-01', '2026-08-01/0', bob.toText()],
        ['2026-08-02', '2026-08-02/1', bob.toText()],
        ['2026-08-03', '2026-08-03/2', bob.toText()],
      ]);

      // 2026-08-03 is full now: the two other nights are booked, then cancelled by the callback.
      const result = await agencyActor.reserve_nights('Rome', [
        '2026-08-04',
        '2026-08-03',
        '2026-08-05',
      ]);
      expect(result).toEqual({ Err: 'hotel failed: no rooms left on 2026-08-03' });
      for (const [date, booked] of [
        ['2026-08-03', 1n],
        ['2026-08-04', 0n],
        ['2026-08-05', 0n],
      ] as const)
        expect(await hotelActor.booked(date), date).toBe(booked);
      expect(await agencyActor.pending()).toBe(0n);
      expect((await agencyActor.trips()).length).toBe(3);
      expect(replica.runtime.openContexts(agency.id.toUint8Array())).toBe(0);

      // The join's callback is private too.
      const refused = await agencyActor.nights_complete([], [0n]).catch((e: unknown) => e);
      expect(refused).toMatchObject({
        rejectCode: 5,
        rejectMessage: expect.stringMatching(/this callback is private/) as unknown,
      });

      // The NEAR agency's interface is the ICP agency's plus the join and the callbacks.
      const nearDid = await replica.candidOf(AGENCY_NEAR);
      expect(nearDid).toMatch(
        /reserve_trip : \(text, text\) -> \(variant \{ Ok : text; Err : text \}\);/,
      );
    } finally {
      await t.dispose();
    }
  });

  it('drops the chain at a replica restart, as any await: the pending trip stays and the callback never runs', async () => {
    const t = await createTestReplica();
    try {
      const { replica } = t;
      const hotel = await replica.deploy(HOTEL, { initArgs: [1n] });
      const agency = await replica.deploy(AGENCY_NEAR, { initArgs: [[hotel.id]] });
      const first = submit(
        replica,
        agency.id,
        'reserve_trip',
        [IDL.Text, IDL.Text],
        ['Kyoto', '2026-07-01'],
        identity('alice'),
      );
      expect(replica.runtime.step()).toBe(true);
      expect(first.answers).toEqual([]);

      const restarted = await t.restart();
      await restarted.idle();
      expect(await restarted.actor<AgencyNear>(agency).pending()).toBe(1n);
      expect(await restarted.actor<AgencyNear>(agency).trips()).toEqual([]);
      expect(restarted.runtime.openContexts(agency.id.toUint8Array())).toBe(0);
      expect(restarted.runtime.openContexts(hotel.id.toUint8Array())).toBe(0);
    } finally {
      await t.dispose();
    }
  });
});
