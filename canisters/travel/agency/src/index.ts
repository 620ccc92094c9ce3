import { IDL, Principal, call, init, msgCaller, query, update } from 'azle';

/**
 * The travel agency of NEAR's cross-contract example, mapped to ICP.
 *
 * On NEAR, `reserve_trip` would create a promise to the hotel and attach a private callback
 * with `promise_then`; the callback sees success or failure and must undo the agency's own
 * bookkeeping by hand, because NEAR does not roll the caller back. On ICP the shape is the
 * same, written as straight-line code: `await call(...)` is the promise, and the code after the
 * `await` (or in its `catch`) is the callback.
 *
 * The one rule to keep in mind: every `await call(...)` is a *commit point*. What the method did
 * before the `await` is committed for good, and other messages may run on this canister before
 * the code after the `await` does. Nothing rolls that first part back if the hotel fails, so the
 * `catch` block undoes it explicitly.
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
  /** Trips waiting for the hotel's answer: the state that lives across the commit point. */
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

    // 1. Record the trip as pending. This runs in the same execution as the checks above.
    const id = this.nextTripId++;
    this.pendingTrips.set(id, { id, traveler: msgCaller(), city, date });

    // 2. Ask the hotel. The `await` ends this execution: the pending trip (and the new
    //    nextTripId) are COMMITTED here, and the request is sent only now. Other calls to
    //    reserve_trip may run before we get the answer; each has its own id and entry.
    let reservation: string;
    try {
      reservation = await call<[string], string>(this.hotel, 'reserve', {
        paramIdlTypes: [IDL.Text],
        returnIdlType: IDL.Text,
        args: [date],
      });
    } catch (err) {
      // 3a. The hotel rejected (no room left) or trapped. This is a new execution. ICP did
      //     NOT undo step 1 — it committed — so the agency undoes its own pending state.
      this.pendingTrips.delete(id);
      return { Err: `hotel failed: ${rejectMessageOf(err)}` };
    }

    // 3b. The hotel booked a room: move the trip from pending to confirmed, in one execution.
    const trip = this.pendingTrips.get(id);
    this.pendingTrips.delete(id);
    this.confirmed.set(id, {
      id,
      traveler: trip?.traveler ?? msgCaller(),
      city,
      date,
      reservation,
    });
    return { Ok: reservation };
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

/** The reject message of a failed call (Azle's call errors carry one), or the error's text. */
function rejectMessageOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'rejectMessage' in err
    ? String(err.rejectMessage)
    : String(err);
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
