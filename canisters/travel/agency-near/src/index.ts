// tincan extension: near (@tincan/cdk/extensions), NEAR's promise API (NearPromise, promiseResult, requirePrivate): the travel agency written as on NEAR.
import { IDL, Principal, canisterSelf, init, msgCaller, query, update } from 'azle';
import {
  NearPromise,
  PromiseResults,
  promiseResult,
  promiseResultsCount,
  requirePrivate,
} from '@tincan/cdk/extensions';
import type { PromiseResult } from '@tincan/cdk/extensions';

/**
 * The travel agency of NEAR's cross-contract example, written with NEAR's promise API. It has the
 * interface and the outcomes of `canisters/travel/agency` (the ICP-style version, straight-line
 * `await call`), and one more method, `reserve_nights`, that joins several bookings with `and`.
 *
 * `reserve_trip` records a pending trip and returns a promise: `hotel.reserve(date)`, then the
 * private callback `hotel_reservation_complete` on this canister. The pending trip is committed
 * when `reserve_trip`'s execution ends; the callback runs later as its own message and sees the
 * hotel's result. NEAR rolls nothing back for the agency when the hotel fails: the callback
 * removes the pending trip itself.
 */

const Result = IDL.Variant({ Ok: IDL.Text, Err: IDL.Text });
type Result = { Ok: string } | { Err: string };

const Trip = IDL.Record({
  id: IDL.Nat,
  traveler: IDL.Principal,
  city: IDL.Text,
  date: IDL.Text,
  reservation: IDL.Text,
});
interface Trip {
  id: bigint;
  traveler: Principal;
  city: string;
  date: string;
  /** The hotel's reservation id. */
  reservation: string;
}

/** A trip whose hotel room was asked for but not answered yet. */
type PendingTrip = Omit<Trip, 'reservation'>;

export default class {
  hotel: Principal = Principal.anonymous();
  nextTripId = 0n;
  /** Trips waiting for the hotel's answer: the state that lives between method and callback. */
  pendingTrips = new Map<bigint, PendingTrip>();
  /** Trips the hotel confirmed. */
  confirmed = new Map<bigint, Trip>();

  /** The hotel: the principal given, else the `hotel` canister of dfx.json's dependencies. */
  @init([IDL.Opt(IDL.Principal)])
  init(hotel: [] | [Principal]): void {
    this.hotel = hotel[0] ?? Principal.fromText(hotelFromEnv());
  }

  /** Books a trip: a hotel room in `city` on `date`. Answers the hotel's reservation id. */
  @update([IDL.Text, IDL.Text], Result)
  async reserve_trip(city: string, date: string): Promise<Result> {
    if (city.trim() === '') return { Err: 'city must not be empty' };
    const id = this.nextTripId++;
    this.pendingTrips.set(id, { id, traveler: msgCaller(), city, date });
    return await NearPromise.new(this.hotel)
      .functionCall('reserve', [IDL.Text], [date])
      .then(
        NearPromise.new(canisterSelf()).functionCall('hotel_reservation_complete', [IDL.Nat], [id]),
      )
      .asReturn<Result>(Result);
  }

  /** The callback of `reserve_trip`: private; confirms the trip, or undoes it when the hotel failed. */
  @update([PromiseResults, IDL.Nat], Result)
  hotel_reservation_complete(_results: PromiseResult[], id: bigint): Result {
    requirePrivate();
    const trip = this.pendingTrips.get(id);
    this.pendingTrips.delete(id);
    const result = promiseResult(0);
    if ('Failed' in result) return { Err: `hotel failed: ${result.Failed.rejectMessage}` };
    const [reservation] = IDL.decode([IDL.Text], result.Successful) as unknown as [string];
    if (trip !== undefined) this.confirmed.set(id, { ...trip, reservation });
    return { Ok: reservation };
  }

  /**
   * Books one room per date in `city`, all or nothing: the bookings are joined with `and`, and
   * the callback sees every result. When any failed it cancels the ones that succeeded (NEAR
   * undoes nothing by itself, at the hotel or here). Answers the reservation ids.
   */
  @update([IDL.Text, IDL.Vec(IDL.Text)], IDL.Variant({ Ok: IDL.Vec(IDL.Text), Err: IDL.Text }))
  async reserve_nights(city: string, dates: string[]): Promise<{ Ok: string[] } | { Err: string }> {
    const [first, ...rest] = dates.map((date) =>
      NearPromise.new(this.hotel).functionCall('reserve', [IDL.Text], [date]),
    );
    if (city.trim() === '' || first === undefined)
      return { Err: 'city and dates must not be empty' };
    const ids = dates.map((date) => {
      const id = this.nextTripId++;
      this.pendingTrips.set(id, { id, traveler: msgCaller(), city, date });
      return id;
    });
    return await first
      .and(...rest)
      .then(
        NearPromise.new(canisterSelf()).functionCall('nights_complete', [IDL.Vec(IDL.Nat)], [ids]),
      )
      .asReturn(IDL.Variant({ Ok: IDL.Vec(IDL.Text), Err: IDL.Text }));
  }

  /** The callback of `reserve_nights`: private; confirms every night, or cancels them all. */
  @update([PromiseResults, IDL.Vec(IDL.Nat)], IDL.Variant({ Ok: IDL.Vec(IDL.Text), Err: IDL.Text }))
  async nights_complete(
    _results: PromiseResult[],
    ids: bigint[],
  ): Promise<{ Ok: string[] } | { Err: string }> {
    requirePrivate();
    const trips = ids.map((id) => this.pendingTrips.get(id));
    for (const id of ids) this.pendingTrips.delete(id);
    const results = Array.from({ length: promiseResultsCount() }, (_, i) => promiseResult(i));
    const booked = results.flatMap((r) =>
      'Successful' in r ? [(IDL.decode([IDL.Text], r.Successful) as unknown as [string])[0]] : [],
    );
    const failed = results.flatMap((r) => ('Failed' in r ? [r.Failed.rejectMessage] : []));
    if (failed.length === 0) {
      trips.forEach((trip, i) => {
        const reservation = booked[i];
        if (trip !== undefined && reservation !== undefined)
          this.confirmed.set(trip.id, { ...trip, reservation });
      });
      return { Ok: booked };
    }
    // Undo at the hotel: cancel the nights it did book (the cancels are further promises).
    for (const reservation of booked) {
      await NearPromise.new(this.hotel)
        .functionCall('cancel', [IDL.Text], [reservation])
        .asReturn(IDL.Bool);
    }
    return { Err: `hotel failed: ${failed.join('; ')}` };
  }

  /** Confirmed trips, oldest first. */
  @query([], IDL.Vec(Trip))
  trips(): Trip[] {
    return [...this.confirmed.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Trips still waiting for the hotel. */
  @query([], IDL.Nat)
  pending(): bigint {
    return BigInt(this.pendingTrips.size);
  }
}

/** `CANISTER_ID_HOTEL`, inlined at bundling when dfx.json lists `hotel` as a dependency. */
function hotelFromEnv(): string {
  try {
    return process.env.CANISTER_ID_HOTEL ?? '';
  } catch {
    throw new Error(
      `agency needs its hotel: deploy with "dependencies": ["hotel"] in dfx.json, or pass '(opt principal "<hotel id>")'`,
    );
  }
}
