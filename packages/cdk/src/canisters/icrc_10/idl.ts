// Generated from icrc_10/ICRC-10.did by packages/cdk/src/idl-gen/generate-canister-idls.ts; do not edit.
import { IDL } from '@dfinity/candid';

/** A service method as agents type it. */
type ActorMethod<Args extends unknown[] = unknown[], Ret = unknown> = (...args: Args) => Promise<Ret>;

export type SupportedStandard = { name: string; url: string };
export type SupportedStandardsResponse = Array<SupportedStandard>;
/** The service, as agents type it. */
export interface _SERVICE {
  icrc10_supported_standards: ActorMethod<[], SupportedStandardsResponse>;
}
export type idlFactory = IDL.InterfaceFactory;
export type init = (args: { IDL: typeof IDL }) => IDL.Type[];

export const SupportedStandard = IDL.Record({ name: IDL.Text, url: IDL.Text });
export const SupportedStandardsResponse = IDL.Vec(SupportedStandard);

/** The service's IDL. */
export const idlFactory: idlFactory = () => IDL.Service({ icrc10_supported_standards: IDL.Func([], [SupportedStandardsResponse], ["query"]) });
/** The init arguments' IDL types. */
export const init: init = () => [];
