// Generated from icrc_37/ICRC-37.did by packages/cdk/src/idl-gen/generate-canister-idls.ts; do not edit.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

/** A service method as agents type it. */
type ActorMethod<Args extends unknown[] = unknown[], Ret = unknown> = (...args: Args) => Promise<Ret>;

export type Account = { owner: Principal; subaccount: [] | [Subaccount] };
export type ApprovalInfo = { spender: Account; from_subaccount: [] | [Uint8Array | number[]]; expires_at: [] | [bigint]; memo: [] | [Uint8Array | number[]]; created_at_time: bigint };
export type ApproveCollectionArg = { approval_info: ApprovalInfo };
export type ApproveCollectionError = { InvalidSpender: null } | { TooOld: null } | { CreatedInFuture: { ledger_time: bigint } } | { GenericError: { error_code: bigint; message: string } } | { GenericBatchError: { error_code: bigint; message: string } };
export type ApproveCollectionResult = { Ok: bigint } | { Err: ApproveCollectionError };
export type ApproveTokenArg = { token_id: bigint; approval_info: ApprovalInfo };
export type ApproveTokenError = { InvalidSpender: null } | { Unauthorized: null } | { NonExistingTokenId: null } | { TooOld: null } | { CreatedInFuture: { ledger_time: bigint } } | { GenericError: { error_code: bigint; message: string } } | { GenericBatchError: { error_code: bigint; message: string } };
export type ApproveTokenResult = { Ok: bigint } | { Err: ApproveTokenError };
export type CollectionApproval = ApprovalInfo;
export type IsApprovedArg = { spender: Account; from_subaccount: [] | [Uint8Array | number[]]; token_id: bigint };
export type RevokeCollectionApprovalArg = { spender: [] | [Account]; from_subaccount: [] | [Uint8Array | number[]]; memo: [] | [Uint8Array | number[]]; created_at_time: [] | [bigint] };
export type RevokeCollectionApprovalError = { ApprovalDoesNotExist: null } | { TooOld: null } | { CreatedInFuture: { ledger_time: bigint } } | { GenericError: { error_code: bigint; message: string } } | { GenericBatchError: { error_code: bigint; message: string } };
export type RevokeCollectionApprovalResult = { Ok: bigint } | { Err: RevokeCollectionApprovalError };
export type RevokeTokenApprovalArg = { spender: [] | [Account]; from_subaccount: [] | [Uint8Array | number[]]; token_id: bigint; memo: [] | [Uint8Array | number[]]; created_at_time: [] | [bigint] };
export type RevokeTokenApprovalError = { ApprovalDoesNotExist: null } | { Unauthorized: null } | { NonExistingTokenId: null } | { TooOld: null } | { CreatedInFuture: { ledger_time: bigint } } | { GenericError: { error_code: bigint; message: string } } | { GenericBatchError: { error_code: bigint; message: string } };
export type RevokeTokenApprovalResponse = { Ok: bigint } | { Err: RevokeTokenApprovalError };
export type Subaccount = Uint8Array | number[];
export type TokenApproval = { token_id: bigint; approval_info: ApprovalInfo };
export type TransferFromArg = { spender_subaccount: [] | [Uint8Array | number[]]; from: Account; to: Account; token_id: bigint; memo: [] | [Uint8Array | number[]]; created_at_time: [] | [bigint] };
export type TransferFromError = { InvalidRecipient: null } | { Unauthorized: null } | { NonExistingTokenId: null } | { TooOld: null } | { CreatedInFuture: { ledger_time: bigint } } | { Duplicate: { duplicate_of: bigint } } | { GenericError: { error_code: bigint; message: string } } | { GenericBatchError: { error_code: bigint; message: string } };
export type TransferFromResult = { Ok: bigint } | { Err: TransferFromError };
/** The service, as agents type it. */
export interface _SERVICE {
  icrc37_max_approvals_per_token_or_collection: ActorMethod<[], [] | [bigint]>;
  icrc37_max_revoke_approvals: ActorMethod<[], [] | [bigint]>;
  icrc37_approve_tokens: ActorMethod<[Array<ApproveTokenArg>], Array<[] | [ApproveTokenResult]>>;
  icrc37_approve_collection: ActorMethod<[Array<ApproveCollectionArg>], Array<[] | [ApproveCollectionError]>>;
  icrc37_revoke_token_approvals: ActorMethod<[Array<RevokeTokenApprovalArg>], Array<[] | [RevokeTokenApprovalResponse]>>;
  icrc37_revoke_collection_approvals: ActorMethod<[Array<RevokeCollectionApprovalArg>], Array<[] | [RevokeCollectionApprovalResult]>>;
  icrc37_is_approved: ActorMethod<[Array<IsApprovedArg>], Array<boolean>>;
  icrc37_get_token_approvals: ActorMethod<[bigint, [] | [TokenApproval], [] | [bigint]], Array<TokenApproval>>;
  icrc37_get_collection_approvals: ActorMethod<[Account, [] | [CollectionApproval], [] | [bigint]], Array<CollectionApproval>>;
  icrc37_transfer_from: ActorMethod<[Array<TransferFromArg>], Array<[] | [TransferFromResult]>>;
}
export type idlFactory = IDL.InterfaceFactory;
export type init = (args: { IDL: typeof IDL }) => IDL.Type[];

export const Subaccount = IDL.Vec(IDL.Nat8);
export const Account = IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(Subaccount) });
export const ApprovalInfo = IDL.Record({ spender: Account, from_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)), expires_at: IDL.Opt(IDL.Nat64), memo: IDL.Opt(IDL.Vec(IDL.Nat8)), created_at_time: IDL.Nat64 });
export const ApproveCollectionArg = IDL.Record({ approval_info: ApprovalInfo });
export const ApproveCollectionError = IDL.Variant({ InvalidSpender: IDL.Null, TooOld: IDL.Null, CreatedInFuture: IDL.Record({ ledger_time: IDL.Nat64 }), GenericError: IDL.Record({ error_code: IDL.Nat, message: IDL.Text }), GenericBatchError: IDL.Record({ error_code: IDL.Nat, message: IDL.Text }) });
export const ApproveCollectionResult = IDL.Variant({ Ok: IDL.Nat, Err: ApproveCollectionError });
export const ApproveTokenArg = IDL.Record({ token_id: IDL.Nat, approval_info: ApprovalInfo });
export const ApproveTokenError = IDL.Variant({ InvalidSpender: IDL.Null, Unauthorized: IDL.Null, NonExistingTokenId: IDL.Null, TooOld: IDL.Null, CreatedInFuture: IDL.Record({ ledger_time: IDL.Nat64 }), GenericError: IDL.Record({ error_code: IDL.Nat, message: IDL.Text }), GenericBatchError: IDL.Record({ error_code: IDL.Nat, message: IDL.Text }) });
export const ApproveTokenResult = IDL.Variant({ Ok: IDL.Nat, Err: ApproveTokenError });
export const CollectionApproval = ApprovalInfo;
export const IsApprovedArg = IDL.Record({ spender: Account, from_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)), token_id: IDL.Nat });
export const RevokeCollectionApprovalArg = IDL.Record({ spender: IDL.Opt(Account), from_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)), memo: IDL.Opt(IDL.Vec(IDL.Nat8)), created_at_time: IDL.Opt(IDL.Nat64) });
export const RevokeCollectionApprovalError = IDL.Variant({ ApprovalDoesNotExist: IDL.Null, TooOld: IDL.Null, CreatedInFuture: IDL.Record({ ledger_time: IDL.Nat64 }), GenericError: IDL.Record({ error_code: IDL.Nat, message: IDL.Text }), GenericBatchError: IDL.Record({ error_code: IDL.Nat, message: IDL.Text }) });
export const RevokeCollectionApprovalResult = IDL.Variant({ Ok: IDL.Nat, Err: RevokeCollectionApprovalError });
export const RevokeTokenApprovalArg = IDL.Record({ spender: IDL.Opt(Account), from_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)), token_id: IDL.Nat, memo: IDL.Opt(IDL.Vec(IDL.Nat8)), created_at_time: IDL.Opt(IDL.Nat64) });
export const RevokeTokenApprovalError = IDL.Variant({ ApprovalDoesNotExist: IDL.Null, Unauthorized: IDL.Null, NonExistingTokenId: IDL.Null, TooOld: IDL.Null, CreatedInFuture: IDL.Record({ ledger_time: IDL.Nat64 }), GenericError: IDL.Record({ error_code: IDL.Nat, message: IDL.Text }), GenericBatchError: IDL.Record({ error_code: IDL.Nat, message: IDL.Text }) });
export const RevokeTokenApprovalResponse = IDL.Variant({ Ok: IDL.Nat, Err: RevokeTokenApprovalError });
export const TokenApproval = IDL.Record({ token_id: IDL.Nat, approval_info: ApprovalInfo });
export const TransferFromArg = IDL.Record({ spender_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)), from: Account, to: Account, token_id: IDL.Nat, memo: IDL.Opt(IDL.Vec(IDL.Nat8)), created_at_time: IDL.Opt(IDL.Nat64) });
export const TransferFromError = IDL.Variant({ InvalidRecipient: IDL.Null, Unauthorized: IDL.Null, NonExistingTokenId: IDL.Null, TooOld: IDL.Null, CreatedInFuture: IDL.Record({ ledger_time: IDL.Nat64 }), Duplicate: IDL.Record({ duplicate_of: IDL.Nat }), GenericError: IDL.Record({ error_code: IDL.Nat, message: IDL.Text }), GenericBatchError: IDL.Record({ error_code: IDL.Nat, message: IDL.Text }) });
export const TransferFromResult = IDL.Variant({ Ok: IDL.Nat, Err: TransferFromError });

/** The service's IDL. */
export const idlFactory: idlFactory = () => IDL.Service({ icrc37_max_approvals_per_token_or_collection: IDL.Func([], [IDL.Opt(IDL.Nat)], ["query"]), icrc37_max_revoke_approvals: IDL.Func([], [IDL.Opt(IDL.Nat)], ["query"]), icrc37_approve_tokens: IDL.Func([IDL.Vec(ApproveTokenArg)], [IDL.Vec(IDL.Opt(ApproveTokenResult))], []), icrc37_approve_collection: IDL.Func([IDL.Vec(ApproveCollectionArg)], [IDL.Vec(IDL.Opt(ApproveCollectionError))], []), icrc37_revoke_token_approvals: IDL.Func([IDL.Vec(RevokeTokenApprovalArg)], [IDL.Vec(IDL.Opt(RevokeTokenApprovalResponse))], []), icrc37_revoke_collection_approvals: IDL.Func([IDL.Vec(RevokeCollectionApprovalArg)], [IDL.Vec(IDL.Opt(RevokeCollectionApprovalResult))], []), icrc37_is_approved: IDL.Func([IDL.Vec(IsApprovedArg)], [IDL.Vec(IDL.Bool)], ["query"]), icrc37_get_token_approvals: IDL.Func([IDL.Nat, IDL.Opt(TokenApproval), IDL.Opt(IDL.Nat)], [IDL.Vec(TokenApproval)], ["query"]), icrc37_get_collection_approvals: IDL.Func([Account, IDL.Opt(CollectionApproval), IDL.Opt(IDL.Nat)], [IDL.Vec(CollectionApproval)], ["query"]), icrc37_transfer_from: IDL.Func([IDL.Vec(TransferFromArg)], [IDL.Vec(IDL.Opt(TransferFromResult))], []) });
/** The init arguments' IDL types. */
export const init: init = () => [];
