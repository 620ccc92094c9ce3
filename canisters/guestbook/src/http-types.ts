/**
 * The Candid types of the HTTP gateway protocol, as an Azle canister declares them for
 * `http_request` and `http_request_update`.
 */
import { IDL, type Principal } from 'azle';

export const HeaderField = IDL.Tuple(IDL.Text, IDL.Text);

export const HttpRequest = IDL.Record({
  method: IDL.Text,
  url: IDL.Text,
  headers: IDL.Vec(HeaderField),
  body: IDL.Vec(IDL.Nat8),
  certificate_version: IDL.Opt(IDL.Nat16),
});
export type HttpRequest = {
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body: Uint8Array;
  certificate_version: [] | [number];
};

export const HttpUpdateRequest = IDL.Record({
  method: IDL.Text,
  url: IDL.Text,
  headers: IDL.Vec(HeaderField),
  body: IDL.Vec(IDL.Nat8),
});
export type HttpUpdateRequest = Omit<HttpRequest, 'certificate_version'>;

export const StreamingToken = IDL.Record({ index: IDL.Nat32, path: IDL.Text });
export type StreamingToken = { index: number; path: string };

export const StreamingCallbackHttpResponse = IDL.Record({
  body: IDL.Vec(IDL.Nat8),
  token: IDL.Opt(StreamingToken),
});
export type StreamingCallbackHttpResponse = { body: Uint8Array; token: [] | [StreamingToken] };

export const StreamingStrategy = IDL.Variant({
  Callback: IDL.Record({
    callback: IDL.Func([StreamingToken], [StreamingCallbackHttpResponse], ['query']),
    token: StreamingToken,
  }),
});
export type StreamingStrategy = {
  Callback: { callback: [Principal, string]; token: StreamingToken };
};

export const HttpResponse = IDL.Record({
  status_code: IDL.Nat16,
  headers: IDL.Vec(HeaderField),
  body: IDL.Vec(IDL.Nat8),
  upgrade: IDL.Opt(IDL.Bool),
  streaming_strategy: IDL.Opt(StreamingStrategy),
});
export type HttpResponse = {
  status_code: number;
  headers: Array<[string, string]>;
  body: Uint8Array;
  upgrade: [] | [boolean];
  streaming_strategy: [] | [StreamingStrategy];
};
