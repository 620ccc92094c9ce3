// Generated from http_gateway/http-gateway.did by packages/cdk/src/idl-gen/generate-canister-idls.ts; do not edit.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

/** A service method as agents type it. */
type ActorMethod<Args extends unknown[] = unknown[], Ret = unknown> = (...args: Args) => Promise<Ret>;

export type HeaderField = [string, string];
export type HttpRequest = { method: string; url: string; headers: Array<HeaderField>; body: Uint8Array | number[]; certificate_version: [] | [number] };
export type HttpResponse = { status_code: number; headers: Array<HeaderField>; body: Uint8Array | number[]; upgrade: [] | [boolean]; streaming_strategy: [] | [StreamingStrategy] };
export type HttpUpdateRequest = { method: string; url: string; headers: Array<HeaderField>; body: Uint8Array | number[] };
export type StreamingCallbackHttpResponse = { body: Uint8Array | number[]; token: [] | [StreamingToken] };
export type StreamingStrategy = { Callback: { callback: [Principal, string]; token: StreamingToken } };
export type StreamingToken = {  };
/** The service, as agents type it. */
export interface _SERVICE {
  http_request: ActorMethod<[HttpRequest], HttpResponse>;
  http_request_update: ActorMethod<[HttpUpdateRequest], HttpResponse>;
}
export type idlFactory = IDL.InterfaceFactory;
export type init = (args: { IDL: typeof IDL }) => IDL.Type[];

export const HeaderField = IDL.Tuple(IDL.Text, IDL.Text);
export const HttpRequest = IDL.Record({ method: IDL.Text, url: IDL.Text, headers: IDL.Vec(HeaderField), body: IDL.Vec(IDL.Nat8), certificate_version: IDL.Opt(IDL.Nat16) });
export const StreamingToken = IDL.Record({  });
export const StreamingCallbackHttpResponse = IDL.Record({ body: IDL.Vec(IDL.Nat8), token: IDL.Opt(StreamingToken) });
export const StreamingStrategy = IDL.Variant({ Callback: IDL.Record({ callback: IDL.Func([StreamingToken], [IDL.Opt(StreamingCallbackHttpResponse)], ["query"]), token: StreamingToken }) });
export const HttpResponse = IDL.Record({ status_code: IDL.Nat16, headers: IDL.Vec(HeaderField), body: IDL.Vec(IDL.Nat8), upgrade: IDL.Opt(IDL.Bool), streaming_strategy: IDL.Opt(StreamingStrategy) });
export const HttpUpdateRequest = IDL.Record({ method: IDL.Text, url: IDL.Text, headers: IDL.Vec(HeaderField), body: IDL.Vec(IDL.Nat8) });

/** The service's IDL. */
export const idlFactory: idlFactory = () => IDL.Service({ http_request: IDL.Func([HttpRequest], [HttpResponse], ["query"]), http_request_update: IDL.Func([HttpUpdateRequest], [HttpResponse], []) });
/** The init arguments' IDL types. */
export const init: init = () => [];
