// Generated from nns_cycles_minting/index.did by packages/cdk/src/idl-gen/generate-canister-idls.ts; do not edit.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

/** A service method as agents type it. */
type ActorMethod<Args extends unknown[] = unknown[], Ret = unknown> = (...args: Args) => Promise<Ret>;

export type AccountIdentifier = string;
export type BlockIndex = bigint;
export type CanisterSettings = { controllers: [] | [Array<Principal>]; compute_allocation: [] | [bigint]; memory_allocation: [] | [bigint]; freezing_threshold: [] | [bigint]; reserved_cycles_limit: [] | [bigint]; log_visibility: [] | [log_visibility]; wasm_memory_limit: [] | [bigint]; wasm_memory_threshold: [] | [bigint] };
export type CreateCanisterArg = { settings: [] | [CanisterSettings]; subnet_type: [] | [string]; subnet_selection: [] | [SubnetSelection] };
export type CreateCanisterError = { Refunded: { refund_amount: bigint; create_error: string } };
export type CreateCanisterResult = { Ok: Principal } | { Err: CreateCanisterError };
export type Cycles = bigint;
export type CyclesCanisterInitPayload = { ledger_canister_id: [] | [Principal]; governance_canister_id: [] | [Principal]; minting_account_id: [] | [AccountIdentifier]; last_purged_notification: [] | [bigint]; exchange_rate_canister: [] | [ExchangeRateCanister]; cycles_ledger_canister_id: [] | [Principal] };
export type ExchangeRateCanister = { Set: Principal } | { Unset: null };
export type IcpXdrConversionRate = { timestamp_seconds: bigint; xdr_permyriad_per_icp: bigint };
export type IcpXdrConversionRateResponse = { data: IcpXdrConversionRate; hash_tree: Uint8Array | number[]; certificate: Uint8Array | number[] };
export type Memo = [] | [Uint8Array | number[]];
export type NotifyCreateCanisterArg = { block_index: BlockIndex; controller: Principal; subnet_type: [] | [string]; subnet_selection: [] | [SubnetSelection]; settings: [] | [CanisterSettings] };
export type NotifyCreateCanisterResult = { Ok: Principal } | { Err: NotifyError };
export type NotifyError = { Refunded: { reason: string; block_index: [] | [BlockIndex] } } | { Processing: null } | { TransactionTooOld: BlockIndex } | { InvalidTransaction: string } | { Other: { error_code: bigint; error_message: string } };
export type NotifyMintCyclesArg = { block_index: BlockIndex; to_subaccount: Subaccount; deposit_memo: Memo };
export type NotifyMintCyclesResult = { Ok: NotifyMintCyclesSuccess } | { Err: NotifyError };
export type NotifyMintCyclesSuccess = { block_index: bigint; minted: bigint; balance: bigint };
export type NotifyTopUpArg = { block_index: BlockIndex; canister_id: Principal };
export type NotifyTopUpResult = { Ok: Cycles } | { Err: NotifyError };
export type PrincipalsAuthorizedToCreateCanistersToSubnetsResponse = { data: Array<[Principal, Array<Principal>]> };
export type Subaccount = [] | [Uint8Array | number[]];
export type SubnetFilter = { subnet_type: [] | [string] };
export type SubnetSelection = { Subnet: { subnet: Principal } } | { Filter: SubnetFilter };
export type SubnetTypesToSubnetsResponse = { data: Array<[string, Array<Principal>]> };
export type log_visibility = { controllers: null } | { public: null };
/** The service, as agents type it. */
export interface _SERVICE {
  notify_top_up: ActorMethod<[NotifyTopUpArg], NotifyTopUpResult>;
  create_canister: ActorMethod<[CreateCanisterArg], CreateCanisterResult>;
  notify_create_canister: ActorMethod<[NotifyCreateCanisterArg], NotifyCreateCanisterResult>;
  notify_mint_cycles: ActorMethod<[NotifyMintCyclesArg], NotifyMintCyclesResult>;
  get_icp_xdr_conversion_rate: ActorMethod<[], IcpXdrConversionRateResponse>;
  get_subnet_types_to_subnets: ActorMethod<[], SubnetTypesToSubnetsResponse>;
  get_principals_authorized_to_create_canisters_to_subnets: ActorMethod<[], PrincipalsAuthorizedToCreateCanistersToSubnetsResponse>;
  get_default_subnets: ActorMethod<[], Array<Principal>>;
  get_build_metadata: ActorMethod<[], string>;
}
export type idlFactory = IDL.InterfaceFactory;
export type init = (args: { IDL: typeof IDL }) => IDL.Type[];

export const AccountIdentifier = IDL.Text;
export const BlockIndex = IDL.Nat64;
export const log_visibility = IDL.Variant({ controllers: IDL.Null, public: IDL.Null });
export const CanisterSettings = IDL.Record({ controllers: IDL.Opt(IDL.Vec(IDL.Principal)), compute_allocation: IDL.Opt(IDL.Nat), memory_allocation: IDL.Opt(IDL.Nat), freezing_threshold: IDL.Opt(IDL.Nat), reserved_cycles_limit: IDL.Opt(IDL.Nat), log_visibility: IDL.Opt(log_visibility), wasm_memory_limit: IDL.Opt(IDL.Nat), wasm_memory_threshold: IDL.Opt(IDL.Nat) });
export const SubnetFilter = IDL.Record({ subnet_type: IDL.Opt(IDL.Text) });
export const SubnetSelection = IDL.Variant({ Subnet: IDL.Record({ subnet: IDL.Principal }), Filter: SubnetFilter });
export const CreateCanisterArg = IDL.Record({ settings: IDL.Opt(CanisterSettings), subnet_type: IDL.Opt(IDL.Text), subnet_selection: IDL.Opt(SubnetSelection) });
export const CreateCanisterError = IDL.Variant({ Refunded: IDL.Record({ refund_amount: IDL.Nat, create_error: IDL.Text }) });
export const CreateCanisterResult = IDL.Variant({ Ok: IDL.Principal, Err: CreateCanisterError });
export const Cycles = IDL.Nat;
export const ExchangeRateCanister = IDL.Variant({ Set: IDL.Principal, Unset: IDL.Null });
export const CyclesCanisterInitPayload = IDL.Record({ ledger_canister_id: IDL.Opt(IDL.Principal), governance_canister_id: IDL.Opt(IDL.Principal), minting_account_id: IDL.Opt(AccountIdentifier), last_purged_notification: IDL.Opt(IDL.Nat64), exchange_rate_canister: IDL.Opt(ExchangeRateCanister), cycles_ledger_canister_id: IDL.Opt(IDL.Principal) });
export const IcpXdrConversionRate = IDL.Record({ timestamp_seconds: IDL.Nat64, xdr_permyriad_per_icp: IDL.Nat64 });
export const IcpXdrConversionRateResponse = IDL.Record({ data: IcpXdrConversionRate, hash_tree: IDL.Vec(IDL.Nat8), certificate: IDL.Vec(IDL.Nat8) });
export const Memo = IDL.Opt(IDL.Vec(IDL.Nat8));
export const NotifyCreateCanisterArg = IDL.Record({ block_index: BlockIndex, controller: IDL.Principal, subnet_type: IDL.Opt(IDL.Text), subnet_selection: IDL.Opt(SubnetSelection), settings: IDL.Opt(CanisterSettings) });
export const NotifyError = IDL.Variant({ Refunded: IDL.Record({ reason: IDL.Text, block_index: IDL.Opt(BlockIndex) }), Processing: IDL.Null, TransactionTooOld: BlockIndex, InvalidTransaction: IDL.Text, Other: IDL.Record({ error_code: IDL.Nat64, error_message: IDL.Text }) });
export const NotifyCreateCanisterResult = IDL.Variant({ Ok: IDL.Principal, Err: NotifyError });
export const Subaccount = IDL.Opt(IDL.Vec(IDL.Nat8));
export const NotifyMintCyclesArg = IDL.Record({ block_index: BlockIndex, to_subaccount: Subaccount, deposit_memo: Memo });
export const NotifyMintCyclesSuccess = IDL.Record({ block_index: IDL.Nat, minted: IDL.Nat, balance: IDL.Nat });
export const NotifyMintCyclesResult = IDL.Variant({ Ok: NotifyMintCyclesSuccess, Err: NotifyError });
export const NotifyTopUpArg = IDL.Record({ block_index: BlockIndex, canister_id: IDL.Principal });
export const NotifyTopUpResult = IDL.Variant({ Ok: Cycles, Err: NotifyError });
export const PrincipalsAuthorizedToCreateCanistersToSubnetsResponse = IDL.Record({ data: IDL.Vec(IDL.Tuple(IDL.Principal, IDL.Vec(IDL.Principal))) });
export const SubnetTypesToSubnetsResponse = IDL.Record({ data: IDL.Vec(IDL.Tuple(IDL.Text, IDL.Vec(IDL.Principal))) });

/** The service's IDL. */
export const idlFactory: idlFactory = () => IDL.Service({ notify_top_up: IDL.Func([NotifyTopUpArg], [NotifyTopUpResult], []), create_canister: IDL.Func([CreateCanisterArg], [CreateCanisterResult], []), notify_create_canister: IDL.Func([NotifyCreateCanisterArg], [NotifyCreateCanisterResult], []), notify_mint_cycles: IDL.Func([NotifyMintCyclesArg], [NotifyMintCyclesResult], []), get_icp_xdr_conversion_rate: IDL.Func([], [IcpXdrConversionRateResponse], ["query"]), get_subnet_types_to_subnets: IDL.Func([], [SubnetTypesToSubnetsResponse], ["query"]), get_principals_authorized_to_create_canisters_to_subnets: IDL.Func([], [PrincipalsAuthorizedToCreateCanistersToSubnetsResponse], ["query"]), get_default_subnets: IDL.Func([], [IDL.Vec(IDL.Principal)], ["query"]), get_build_metadata: IDL.Func([], [IDL.Text], ["query"]) });
/** The init arguments' IDL types. */
export const init: init = () => [IDL.Opt(CyclesCanisterInitPayload)];
