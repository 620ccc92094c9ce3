// Generated from icrc_2/ICRC-2.did by packages/cdk/src/idl-gen/generate-canister-idls.ts; do not edit.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

/** A service method as agents type it. */
type ActorMethod<Args extends unknown[] = unknown[], Ret = unknown> = (...args: Args) => Promise<Ret>;

export type Account = { owner: Principal; subaccount: [] | [Uint8Array | number[]] };
export type AllowanceArgs = { account: Account; spender: Account };
export type AllowanceResult = { allowance: bigint; expires_at: [] | [bigint] };
export type ApproveArgs = { from_subaccount: [] | [Uint8Array | number[]]; spender: Account; amount: bigint; expected_allowance: [] | [bigint]; expires_at: [] | [bigint]; fee: [] | [bigint]; memo: [] | [Uint8Array | number[]]; created_at_time: [] | [bigint] };
export type ApproveError = { BadFee: { expected_fee: bigint } } | { InsufficientFunds: { balance: bigint } } | { AllowanceChanged: { current_allowance: bigint } } | { Expired: { ledger_time: bigint } } | { TooOld: null } | { CreatedInFuture: { ledger_time: bigint } } | { Duplicate: { duplicate_of: bigint } } | { TemporarilyUnavailable: null } | { GenericError: { error_code: bigint; message: string } };
export type ApproveResult = { Ok: bigint } | { Err: ApproveError };
export type SupportedStandard = { name: string; url: string };
export type TransferFromArgs = { spender_subaccount: [] | [Uint8Array | number[]]; from: Account; to: Account; amount: bigint; fee: [] | [bigint]; memo: [] | [Uint8Array | number[]]; created_at_time: [] | [bigint] };
export type TransferFromError = { BadFee: { expected_fee: bigint } } | { BadBurn: { min_burn_amount: bigint } } | { InsufficientFunds: { balance: bigint } } | { InsufficientAllowance: { allowance: bigint } } | { TooOld: null } | { CreatedInFuture: { ledger_time: bigint } } | { Duplicate: { duplicate_of: bigint } } | { TemporarilyUnavailable: null } | { GenericError: { error_code: bigint; message: string } };
export type TransferFromResult = { Ok: bigint } | { Err: TransferFromError };
/** The service, as agents type it. */
export interface _SERVICE {
  icrc1_supported_standards: ActorMethod<[], Array<SupportedStandard>>;
  icrc2_approve: ActorMethod<[ApproveArgs], ApproveResult>;
  icrc2_transfer_from: ActorMethod<[TransferFromArgs], TransferFromResult>;
  icrc2_allowance: ActorMethod<[AllowanceArgs], AllowanceResult>;
}
export type idlFactory = IDL.InterfaceFactory;
export type init = (args: { IDL: typeof IDL }) => IDL.Type[];

export const Account = IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) });
export const AllowanceArgs = IDL.Record({ account: Account, spender: Account });
export const AllowanceResult = IDL.Record({ allowance: IDL.Nat, expires_at: IDL.Opt(IDL.Nat64) });
export const ApproveArgs = IDL.Record({ from_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)), spender: Account, amount: IDL.Nat, expected_allowance: IDL.Opt(IDL.Nat), expires_at: IDL.Opt(IDL.Nat64), fee: IDL.Opt(IDL.Nat), memo: IDL.Opt(IDL.Vec(IDL.Nat8)), created_at_time: IDL.Opt(IDL.Nat64) });
export const ApproveError = IDL.Variant({ BadFee: IDL.Record({ expected_fee: IDL.Nat }), InsufficientFunds: IDL.Record({ balance: IDL.Nat }), AllowanceChanged: IDL.Record({ current_allowance: IDL.Nat }), Expired: IDL.Record({ ledger_time: IDL.Nat64 }), TooOld: IDL.Null, CreatedInFuture: IDL.Record({ ledger_time: IDL.Nat64 }), Duplicate: IDL.Record({ duplicate_of: IDL.Nat }), TemporarilyUnavailable: IDL.Null, GenericError: IDL.Record({ error_code: IDL.Nat, message: IDL.Text }) });
export const ApproveResult = IDL.Variant({ Ok: IDL.Nat, Err: ApproveError });
export const SupportedStandard = IDL.Record({ name: IDL.Text, url: IDL.Text });
export const TransferFromArgs = IDL.Record({ spender_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)), from: Account, to: Account, amount: IDL.Nat, fee: IDL.Opt(IDL.Nat), memo: IDL.Opt(IDL.Vec(IDL.Nat8)), created_at_time: IDL.Opt(IDL.Nat64) });
export const TransferFromError = IDL.Variant({ BadFee: IDL.Record({ expected_fee: IDL.Nat }), BadBurn: IDL.Record({ min_burn_amount: IDL.Nat }), InsufficientFunds: IDL.Record({ balance: IDL.Nat }), InsufficientAllowance: IDL.Record({ allowance: IDL.Nat }), TooOld: IDL.Null, CreatedInFuture: IDL.Record({ ledger_time: IDL.Nat64 }), Duplicate: IDL.Record({ duplicate_of: IDL.Nat }), TemporarilyUnavailable: IDL.Null, GenericError: IDL.Record({ error_code: IDL.Nat, message: IDL.Text }) });
export const TransferFromResult = IDL.Variant({ Ok: IDL.Nat, Err: TransferFromError });

/** The service's IDL. */
export const idlFactory: idlFactory = () => IDL.Service({ icrc1_supported_standards: IDL.Func([], [IDL.Vec(SupportedStandard)], ["query"]), icrc2_approve: IDL.Func([ApproveArgs], [ApproveResult], []), icrc2_transfer_from: IDL.Func([TransferFromArgs], [TransferFromResult], []), icrc2_allowance: IDL.Func([AllowanceArgs], [AllowanceResult], ["query"]) });
/** The init arguments' IDL types. */
export const init: init = () => [];
