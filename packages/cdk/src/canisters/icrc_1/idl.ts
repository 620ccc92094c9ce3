// Generated from icrc_1/ICRC-1.did by packages/cdk/src/idl-gen/generate-canister-idls.ts; do not edit.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

/** A service method as agents type it. */
type ActorMethod<Args extends unknown[] = unknown[], Ret = unknown> = (...args: Args) => Promise<Ret>;

export type Account = { owner: Principal; subaccount: [] | [Subaccount] };
export type Duration = bigint;
export type Metadatum = [string, Value];
export type Subaccount = Uint8Array | number[];
export type SupportedStandard = { name: string; url: string };
export type Timestamp = bigint;
export type TransferArgs = { from_subaccount: [] | [Subaccount]; to: Account; amount: bigint; fee: [] | [bigint]; memo: [] | [Uint8Array | number[]]; created_at_time: [] | [Timestamp] };
export type TransferError = { BadFee: { expected_fee: bigint } } | { BadBurn: { min_burn_amount: bigint } } | { InsufficientFunds: { balance: bigint } } | { TooOld: null } | { CreatedInFuture: { ledger_time: Timestamp } } | { Duplicate: { duplicate_of: bigint } } | { TemporarilyUnavailable: null } | { GenericError: { error_code: bigint; message: string } };
export type TransferResult = { Ok: bigint } | { Err: TransferError };
export type Value = { Nat: bigint } | { Int: bigint } | { Text: string } | { Blob: Uint8Array | number[] };
/** The service, as agents type it. */
export interface _SERVICE {
  icrc1_metadata: ActorMethod<[], Array<Metadatum>>;
  icrc1_name: ActorMethod<[], string>;
  icrc1_symbol: ActorMethod<[], string>;
  icrc1_decimals: ActorMethod<[], number>;
  icrc1_fee: ActorMethod<[], bigint>;
  icrc1_total_supply: ActorMethod<[], bigint>;
  icrc1_minting_account: ActorMethod<[], [] | [Account]>;
  icrc1_balance_of: ActorMethod<[Account], bigint>;
  icrc1_transfer: ActorMethod<[TransferArgs], TransferResult>;
  icrc1_supported_standards: ActorMethod<[], Array<SupportedStandard>>;
}
export type idlFactory = IDL.InterfaceFactory;
export type init = (args: { IDL: typeof IDL }) => IDL.Type[];

export const Subaccount = IDL.Vec(IDL.Nat8);
export const Account = IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(Subaccount) });
export const Duration = IDL.Nat64;
export const Value = IDL.Variant({ Nat: IDL.Nat, Int: IDL.Int, Text: IDL.Text, Blob: IDL.Vec(IDL.Nat8) });
export const Metadatum = IDL.Tuple(IDL.Text, Value);
export const SupportedStandard = IDL.Record({ name: IDL.Text, url: IDL.Text });
export const Timestamp = IDL.Nat64;
export const TransferArgs = IDL.Record({ from_subaccount: IDL.Opt(Subaccount), to: Account, amount: IDL.Nat, fee: IDL.Opt(IDL.Nat), memo: IDL.Opt(IDL.Vec(IDL.Nat8)), created_at_time: IDL.Opt(Timestamp) });
export const TransferError = IDL.Variant({ BadFee: IDL.Record({ expected_fee: IDL.Nat }), BadBurn: IDL.Record({ min_burn_amount: IDL.Nat }), InsufficientFunds: IDL.Record({ balance: IDL.Nat }), TooOld: IDL.Null, CreatedInFuture: IDL.Record({ ledger_time: Timestamp }), Duplicate: IDL.Record({ duplicate_of: IDL.Nat }), TemporarilyUnavailable: IDL.Null, GenericError: IDL.Record({ error_code: IDL.Nat, message: IDL.Text }) });
export const TransferResult = IDL.Variant({ Ok: IDL.Nat, Err: TransferError });

/** The service's IDL. */
export const idlFactory: idlFactory = () => IDL.Service({ icrc1_metadata: IDL.Func([], [IDL.Vec(Metadatum)], ["query"]), icrc1_name: IDL.Func([], [IDL.Text], ["query"]), icrc1_symbol: IDL.Func([], [IDL.Text], ["query"]), icrc1_decimals: IDL.Func([], [IDL.Nat8], ["query"]), icrc1_fee: IDL.Func([], [IDL.Nat], ["query"]), icrc1_total_supply: IDL.Func([], [IDL.Nat], ["query"]), icrc1_minting_account: IDL.Func([], [IDL.Opt(Account)], ["query"]), icrc1_balance_of: IDL.Func([Account], [IDL.Nat], ["query"]), icrc1_transfer: IDL.Func([TransferArgs], [TransferResult], []), icrc1_supported_standards: IDL.Func([], [IDL.Vec(SupportedStandard)], ["query"]) });
/** The init arguments' IDL types. */
export const init: init = () => [];
