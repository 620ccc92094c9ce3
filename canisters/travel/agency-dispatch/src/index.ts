// tincan extension: dispatch (@tincan/cdk/extensions), dispatch/reply with ReplyOn (dispatch, @reply): the travel agency written as a CosmWasm-style transaction.
import { IDL, Principal, init, msgCaller, query, update } from 'azle';
import { dispatch, reply } from '@tincan/cdk/extensions';

/**
 * The travel agency of `canisters/travel/agency`, written with dispatch/reply (CosmWasm's
 * model). `reserve_trip` records the trip as pending and dispatches `hotel.reserve(date)` with
 * `replyOn: 'always'`; `on_hotel_reply` runs in the same transaction and either confirms the
 * trip with the reservation id or removes it. Nothing commits before the whole transaction
 * does, and nothing else runs on the agency or the hotel in between, so no other booking ever
 * sees the pending trip. The traveler's answer is `reserve_trip`'s own (`trip <id> requested`);
 * the reservation id is in `trips()` once the transaction committed.
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
  reservation: string;
}

/** A trip whose hotel room was asked for, inside the transaction. */
type PendingTrip = Omit<Trip, 'reservation'>;

export default class {
  hotel: Principal = Principal.anonymous();
  nextTripId = 0n;
  pendingTrips = new Map<bigint, PendingTrip>();
  /** The pending trip of each hotel request, by message id. */
  requests = new Map<bigint, bigint>();
  confirmed = new Map<bigint, Trip>();

  /** The hotel: the principal given, else the `hotel` canister of dfx.json's dependencies. */
  @init([IDL.Opt(IDL.Principal)])
  init(hotel: [] | [Principal]): void {
    this.hotel = hotel[0] ?? Principal.fromText(hotelFromEnv());
  }

  /** Books a trip: records it and dispatches the hotel's reservation; answers the trip's id. */
  @update([IDL.Text, IDL.Text], Result)
  reserve_trip(city: string, date: string): Result {
    if (city.trim() === '') return { Err: 'city must not be empty' };
    const id = this.nextTripId++;
    this.pendingTrips.set(id, { id, traveler: msgCaller(), city, date });
    const msgId = dispatch(this.hotel, 'reserve', [date], {
      replyOn: 'always',
      paramIdlTypes: [IDL.Text],
    });
    this.requests.set(msgId, id);
    return { Ok: `trip ${id} requested` };
  }

  /** The hotel's answer, in the same transaction: confirm the trip, or drop it. */
  @reply
  on_hotel_reply(msgId: bigint, success: boolean, data: Uint8Array): void {
    const id = this.requests.get(msgId);
    if (id === undefined) return;
    this.requests.delete(msgId);
    const trip = this.pendingTrips.get(id);
    this.pendingTrips.delete(id);
    if (!success || trip === undefined) return; // the hotel's frame is already discarded
    const [reservation] = IDL.decode([IDL.Text], data) as unknown as [string];
    this.confirmed.set(id, { ...trip, reservation });
  }

  /** Confirmed trips, oldest first. */
  @query([], IDL.Vec(Trip))
  trips(): Trip[] {
    return [...this.confirmed.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Trips still waiting for the hotel (always 0 between transactions). */
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
      `agency_dispatch needs its hotel: deploy with "dependencies": ["hotel"] in dfx.json, or pass '(opt principal "<hotel id>")'`,
    );
  }
}
