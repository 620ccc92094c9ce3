// Generated from icrc_3/ICRC-3.did by packages/cdk/src/idl-gen/generate-canister-idls.ts; do not edit.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

/** A service method as agents type it. */
type ActorMethod<Args extends unknown[] = unknown[], Ret = unknown> = (...args: Args) => Promise<Ret>;

export type DataCertificate = { certificate: Uint8Array | number[]; hash_tree: Uint8Array | number[] };
export type GetArchivesArgs = { from: [] | [Principal] };
export type GetArchivesResult = Array<{ canister_id: Principal; start: bigint; end: bigint }>;
export type GetBlocksArgs = Array<{ start: bigint; length: bigint }>;
export type GetBlocksResult = { log_length: bigint; blocks: Array<{ id: bigint; block: Value }>; archived_blocks: Array<{ args: GetBlocksArgs; callback: [Principal, string] }> };
export type Value = { Blob: Uint8Array | number[] } | { Text: string } | { Nat: bigint } | { Int: bigint } | { Array: Array<Value> } | { Map: Array<[string, Value]> };
/** The service, as agents type it. */
export interface _SERVICE {
  icrc3_get_archives: ActorMethod<[GetArchivesArgs], GetArchivesResult>;
  icrc3_get_tip_certificate: ActorMethod<[], [] | [DataCertificate]>;
  icrc3_get_blocks: ActorMethod<[GetBlocksArgs], GetBlocksResult>;
  icrc3_supported_block_types: ActorMethod<[], Array<{ block_type: string; url: string }>>;
}
export type idlFactory = IDL.InterfaceFactory;
export type init = (args: { IDL: typeof IDL }) => IDL.Type[];

export const GetBlocksResult = IDL.Rec();
export const Value = IDL.Rec();
export const DataCertificate = IDL.Record({ certificate: IDL.Vec(IDL.Nat8), hash_tree: IDL.Vec(IDL.Nat8) });
export const GetArchivesArgs = IDL.Record({ from: IDL.Opt(IDL.Principal) });
export const GetArchivesResult = IDL.Vec(IDL.Record({ canister_id: IDL.Principal, start: IDL.Nat, end: IDL.Nat }));
export const GetBlocksArgs = IDL.Vec(IDL.Record({ start: IDL.Nat, length: IDL.Nat }));
GetBlocksResult.fill(IDL.Record({ log_length: IDL.Nat, blocks: IDL.Vec(IDL.Record({ id: IDL.Nat, block: Value })), archived_blocks: IDL.Vec(IDL.Record({ args: GetBlocksArgs, callback: IDL.Func([GetBlocksArgs], [GetBlocksResult], ["query"]) })) }));
Value.fill(IDL.Variant({ Blob: IDL.Vec(IDL.Nat8), Text: IDL.Text, Nat: IDL.Nat, Int: IDL.Int, Array: IDL.Vec(Value), Map: IDL.Vec(IDL.Tuple(IDL.Text, Value)) }));

/** The service's IDL. */
export const idlFactory: idlFactory = () => IDL.Service({ icrc3_get_archives: IDL.Func([GetArchivesArgs], [GetArchivesResult], ["query"]), icrc3_get_tip_certificate: IDL.Func([], [IDL.Opt(DataCertificate)], ["query"]), icrc3_get_blocks: IDL.Func([GetBlocksArgs], [GetBlocksResult], ["query"]), icrc3_supported_block_types: IDL.Func([], [IDL.Vec(IDL.Record({ block_type: IDL.Text, url: IDL.Text }))], ["query"]) });
/** The init arguments' IDL types. */
export const init: init = () => [];
