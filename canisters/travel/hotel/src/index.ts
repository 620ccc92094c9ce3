import { IDL, init, msgArgData, msgCaller, msgReject, msgReply, query, trap, update } from 'azle';

/**
 * The hotel of the travel-agency scenario (NEAR's cross-contract example, mapped to ICP).
 *
 * Every date has the same number of rooms (`rooms_per_date`, the init argument). `reserve`
 * books one room and answers a reservation id, or *rejects* the call when the date is full:
 * a reject is the answer a caller's `catch` block sees. The date `'trap'` makes the hotel trap
 * instead, to show the other way a callee can fail (the caller sees CANISTER_ERROR).
 *
 * Every method here finishes in one execution (no `await`), so each one is atomic.
 */

/** One booked room. */
interface Reservation {
  readonly date: string;
  /** Text of the principal that reserved the room; only it may cancel. */
  readonly owner: string;
}

export default class {
  roomsPerDate = 0n;
  /** Rooms booked per date. */
  bookedByDate = new Map<string, bigint>();
  /** Live reservations by id. */
  reservations = new Map<string, Reservation>();
  nextId = 0n;

  @init([IDL.Nat])
  init(roomsPerDate: bigint): void {
    this.roomsPerDate = roomsPerDate;
  }

  /** Books a room on `date`; answers the reservation id, or rejects when no room is left. */
  @update([IDL.Text], IDL.Text, { manual: true })
  reserve(): void {
    const [date] = IDL.decode([IDL.Text], msgArgData()) as unknown as [string];
    if (date === 'trap') trap(`hotel cannot handle the date '${date}'`);
    const booked = this.bookedByDate.get(date) ?? 0n;
    if (booked >= this.roomsPerDate) {
      // An explicit reject (CANISTER_REJECT). A method that rejects answers its call itself, so
      // it is `manual` (a non-manual method would reply again on return, which traps on ICP).
      msgReject(`no rooms left on ${date}`);
      return;
    }
    const id = `${date}/${this.nextId++}`;
    this.bookedByDate.set(date, booked + 1n);
    this.reservations.set(id, { date, owner: msgCaller().toText() });
    msgReply(new Uint8Array(IDL.encode([IDL.Text], [id])));
  }

  /** Cancels a reservation made by the caller; false when there is no such reservation. */
  @update([IDL.Text], IDL.Bool)
  cancel(reservationId: string): boolean {
    const reservation = this.reservations.get(reservationId);
    if (reservation === undefined || reservation.owner !== msgCaller().toText()) return false;
    this.reservations.delete(reservationId);
    this.bookedByDate.set(reservation.date, (this.bookedByDate.get(reservation.date) ?? 1n) - 1n);
    return true;
  }

  /** Rooms booked on `date`. */
  @query([IDL.Text], IDL.Nat)
  booked(date: string): bigint {
    return this.bookedByDate.get(date) ?? 0n;
  }

  /** Rooms per date, as configured at init. */
  @query([], IDL.Nat)
  rooms_per_date(): bigint {
    return this.roomsPerDate;
  }
}
