// Generated from icrc_7/ICRC-7.did by packages/cdk/src/idl-gen/generate-canister-idls.ts; do not edit.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

/** A service method as agents type it. */
type ActorMethod<Args extends unknown[] = unknown[], Ret = unknown> = (...args: Args) => Promise<Ret>;

export type Account = { owner: Principal; subaccount: [] | [Subaccount] };
export type Subaccount = Uint8Array | number[];
export type TransferArg = { from_subaccount: [] | [Uint8Array | number[]]; to: Account; token_id: bigint; memo: [] | [Uint8Array | number[]]; created_at_time: [] | [bigint] };
export type TransferError = { NonExistingTokenId: null } | { InvalidRecipient: null } | { Unauthorized: null } | { TooOld: null } | { CreatedInFuture: { ledger_time: bigint } } | { Duplicate: { duplicate_of: bigint } } | { GenericError: { error_code: bigint; message: string } } | { GenericBatchError: { error_code: bigint; message: string } };
export type TransferResult = { Ok: bigint } | { Err: TransferError };
export type Value = { Blob: Uint8Array | number[] } | { Text: string } | { Nat: bigint } | { Int: bigint } | { Array: Array<Value> } | { Map: Array<[string, Value]> };
/** The service, as agents type it. */
export interface _SERVICE {
  icrc7_collection_metadata: ActorMethod<[], Array<[string, Value]>>;
  icrc7_symbol: ActorMethod<[], string>;
  icrc7_name: ActorMethod<[], string>;
  icrc7_description: ActorMethod<[], [] | [string]>;
  icrc7_logo: ActorMethod<[], [] | [string]>;
  icrc7_total_supply: ActorMethod<[], bigint>;
  icrc7_supply_cap: ActorMethod<[], [] | [bigint]>;
  icrc7_max_query_batch_size: ActorMethod<[], [] | [bigint]>;
  icrc7_max_update_batch_size: ActorMethod<[], [] | [bigint]>;
  icrc7_default_take_value: ActorMethod<[], [] | [bigint]>;
  icrc7_max_take_value: ActorMethod<[], [] | [bigint]>;
  icrc7_max_memo_size: ActorMethod<[], [] | [bigint]>;
  icrc7_atomic_batch_transfers: ActorMethod<[], [] | [boolean]>;
  icrc7_tx_window: ActorMethod<[], [] | [bigint]>;
  icrc7_permitted_drift: ActorMethod<[], [] | [bigint]>;
  icrc7_token_metadata: ActorMethod<[Array<bigint>], Array<[] | [Array<[string, Value]>]>>;
  icrc7_owner_of: ActorMethod<[Array<bigint>], Array<[] | [Account]>>;
  icrc7_balance_of: ActorMethod<[Array<Account>], Array<bigint>>;
  icrc7_tokens: ActorMethod<[[] | [bigint], [] | [bigint]], Array<bigint>>;
  icrc7_tokens_of: ActorMethod<[Account, [] | [bigint], [] | [bigint]], Array<bigint>>;
  icrc7_transfer: ActorMethod<[Array<TransferArg>], Array<[] | [TransferResult]>>;
}
export type idlFactory = IDL.InterfaceFactory;
export type init = (args: { IDL: typeof IDL }) => IDL.Type[];

export const Value = IDL.Rec();
export const Subaccount = IDL.Vec(IDL.Nat8);
export const Account = IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(Subaccount) });
export const TransferArg = IDL.Record({ from_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)), to: Account, token_id: IDL.Nat, memo: IDL.Opt(IDL.Vec(IDL.Nat8)), created_at_time: IDL.Opt(IDL.Nat64) });
export const TransferError = IDL.Variant({ NonExistingTokenId: IDL.Null, InvalidRecipient: IDL.Null, Unauthorized: IDL.Null, TooOld: IDL.Null, CreatedInFuture: IDL.Record({ ledger_time: IDL.Nat64 }), Duplicate: IDL.Record({ duplicate_of: IDL.Nat }), GenericError: IDL.Record({ error_code: IDL.Nat, message: IDL.Text }), GenericBatchError: IDL.Record({ error_code: IDL.Nat, message: IDL.Text }) });
export const TransferResult = IDL.Variant({ Ok: IDL.Nat, Err: TransferError });
Value.fill(IDL.Variant({ Blob: IDL.Vec(IDL.Nat8), Text: IDL.Text, Nat: IDL.Nat, Int: IDL.Int, Array: IDL.Vec(Value), Map: IDL.Vec(IDL.Tuple(IDL.Text, Value)) }));

/** The service's IDL. */
export const idlFactory: idlFactory = () => IDL.Service({ icrc7_collection_metadata: IDL.Func([], [IDL.Vec(IDL.Tuple(IDL.Text, Value))], ["query"]), icrc7_symbol: IDL.Func([], [IDL.Text], ["query"]), icrc7_name: IDL.Func([], [IDL.Text], ["query"]), icrc7_description: IDL.Func([], [IDL.Opt(IDL.Text)], ["query"]), icrc7_logo: IDL.Func([], [IDL.Opt(IDL.Text)], ["query"]), icrc7_total_supply: IDL.Func([], [IDL.Nat], ["query"]), icrc7_supply_cap: IDL.Func([], [IDL.Opt(IDL.Nat)], ["query"]), icrc7_max_query_batch_size: IDL.Func([], [IDL.Opt(IDL.Nat)], ["query"]), icrc7_max_update_batch_size: IDL.Func([], [IDL.Opt(IDL.Nat)], ["query"]), icrc7_default_take_value: IDL.Func([], [IDL.Opt(IDL.Nat)], ["query"]), icrc7_max_take_value: IDL.Func([], [IDL.Opt(IDL.Nat)], ["query"]), icrc7_max_memo_size: IDL.Func([], [IDL.Opt(IDL.Nat)], ["query"]), icrc7_atomic_batch_transfers: IDL.Func([], [IDL.Opt(IDL.Bool)], ["query"]), icrc7_tx_window: IDL.Func([], [IDL.Opt(IDL.Nat)], ["query"]), icrc7_permitted_drift: IDL.Func([], [IDL.Opt(IDL.Nat)], ["query"]), icrc7_token_metadata: IDL.Func([IDL.Vec(IDL.Nat)], [IDL.Vec(IDL.Opt(IDL.Vec(IDL.Tuple(IDL.Text, Value))))], ["query"]), icrc7_owner_of: IDL.Func([IDL.Vec(IDL.Nat)], [IDL.Vec(IDL.Opt(Account))], ["query"]), icrc7_balance_of: IDL.Func([IDL.Vec(Account)], [IDL.Vec(IDL.Nat)], ["query"]), icrc7_tokens: IDL.Func([IDL.Opt(IDL.Nat), IDL.Opt(IDL.Nat)], [IDL.Vec(IDL.Nat)], ["query"]), icrc7_tokens_of: IDL.Func([Account, IDL.Opt(IDL.Nat), IDL.Opt(IDL.Nat)], [IDL.Vec(IDL.Nat)], ["query"]), icrc7_transfer: IDL.Func([IDL.Vec(TransferArg)], [IDL.Vec(IDL.Opt(TransferResult))], []) });
/** The init arguments' IDL types. */
export const init: init = () => [];
