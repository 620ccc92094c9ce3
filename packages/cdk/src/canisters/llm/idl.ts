// Generated from llm/index.did by packages/cdk/src/idl-gen/generate-canister-idls.ts; do not edit.
import { IDL } from '@dfinity/candid';

/** A service method as agents type it. */
type ActorMethod<Args extends unknown[] = unknown[], Ret = unknown> = (...args: Args) => Promise<Ret>;

export type chat_message = { role: role; content: string };
export type chat_request = { model: string; messages: Array<chat_message> };
export type role = { assistant: null } | { system: null } | { user: null };
/** The service, as agents type it. */
export interface _SERVICE {
  v0_chat: ActorMethod<[chat_request], string>;
}
export type idlFactory = IDL.InterfaceFactory;
export type init = (args: { IDL: typeof IDL }) => IDL.Type[];

export const role = IDL.Variant({ assistant: IDL.Null, system: IDL.Null, user: IDL.Null });
export const chat_message = IDL.Record({ role: role, content: IDL.Text });
export const chat_request = IDL.Record({ model: IDL.Text, messages: IDL.Vec(chat_message) });

/** The service's IDL. */
export const idlFactory: idlFactory = () => IDL.Service({ v0_chat: IDL.Func([chat_request], [IDL.Text], []) });
/** The init arguments' IDL types. */
export const init: init = () => [];
