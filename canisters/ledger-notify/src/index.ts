import { IDL, init, msgArgData, msgReject, msgReply, query, trap, update } from 'azle';

/**
 * The receiving end of the ledger's `transfer_via_hook`: counts the notifications it accepts.
 * `set_mode` tells it how to answer: accept (reply with the new count), reject (CANISTER_REJECT)
 * or trap (CANISTER_ERROR). The mode can also be given at init.
 */

const Mode = IDL.Variant({ Accept: IDL.Null, Reject: IDL.Null, Trap: IDL.Null });
type Mode = { Accept: null } | { Reject: null } | { Trap: null };

export default class {
  mode: 'Accept' | 'Reject' | 'Trap' = 'Accept';
  accepted = 0n;
  /** Amount notified, summed over accepted notifications. */
  acceptedAmount = 0n;

  @init([IDL.Opt(Mode)])
  init(mode: [] | [Mode]): void {
    if (mode[0] !== undefined) this.mode = modeName(mode[0]);
  }

  @update([Mode], IDL.Null)
  set_mode(mode: Mode): null {
    this.mode = modeName(mode);
    return null;
  }

  /** A ledger tells us that `from` sends `amount` to `to`. */
  // Manual: in Reject mode it answers with msgReject, and a non-manual method would then reply
  // again on return, which traps on ICP.
  @update([IDL.Principal, IDL.Principal, IDL.Nat], IDL.Nat, { manual: true })
  notify(): void {
    if (this.mode === 'Trap') trap('notify: told to trap');
    if (this.mode === 'Reject') {
      msgReject('notify: told to reject');
      return;
    }
    const [, , amount] = IDL.decode(
      [IDL.Principal, IDL.Principal, IDL.Nat],
      msgArgData(),
    ) as unknown as [unknown, unknown, bigint];
    this.accepted += 1n;
    this.acceptedAmount += amount;
    msgReply(new Uint8Array(IDL.encode([IDL.Nat], [this.accepted])));
  }

  /** Notifications accepted so far. */
  @query([], IDL.Nat)
  notifications(): bigint {
    return this.accepted;
  }

  /** Sum of the amounts of accepted notifications. */
  @query([], IDL.Nat)
  notified_amount(): bigint {
    return this.acceptedAmount;
  }
}

function modeName(mode: Mode): 'Accept' | 'Reject' | 'Trap' {
  return 'Reject' in mode ? 'Reject' : 'Trap' in mode ? 'Trap' : 'Accept';
}
