/**
 * The Candid side of the HTTP gateway protocol: the request records the gateway sends, and
 * the canister's own declaration of `http_request`, `http_request_update` and their response
 * types, read from its `candid:service`. The streaming token's type is the canister's choice,
 * so the gateway decodes responses with the canister's declared types and encodes the token
 * back with the argument type of the declared callback.
 */
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { parseDid } from '@tincan/candid';

const HeaderField = IDL.Tuple(IDL.Text, IDL.Text);

/** `HttpRequest` as the gateway sends it to `http_request`. */
export const HttpRequest = IDL.Record({
  method: IDL.Text,
  url: IDL.Text,
  headers: IDL.Vec(HeaderField),
  body: IDL.Vec(IDL.Nat8),
  certificate_version: IDL.Opt(IDL.Nat16),
});

/** `HttpUpdateRequest`: the same without `certificate_version`, for `http_request_update`. */
export const HttpUpdateRequest = IDL.Record({
  method: IDL.Text,
  url: IDL.Text,
  headers: IDL.Vec(HeaderField),
  body: IDL.Vec(IDL.Nat8),
});

/** What the canister declares. */
export interface HttpInterface {
  /** Return type of `http_request`, or undefined when the canister has no such query. */
  readonly request: IDL.Type | undefined;
  /** Return type of `http_request_update`, or undefined when it has none. */
  readonly update: IDL.Type | undefined;
}

/** A canister's HTTP response, normalized. */
export interface CanisterHttpResponse {
  readonly statusCode: number;
  readonly headers: Array<[string, string]>;
  readonly body: Uint8Array;
  readonly upgrade: boolean;
  readonly streaming: StreamingCallback | undefined;
}

/** A `streaming_strategy = opt variant { Callback = record { callback; token } }`. */
export interface StreamingCallback {
  readonly canister: Principal;
  readonly method: string;
  readonly token: unknown;
  /** The callback's declared argument (the token) and result types. */
  readonly argType: IDL.Type;
  readonly retType: IDL.Type;
}

/** The canister's HTTP methods, from its `.did` text (parsed once per text). */
export function httpInterface(candid: string, cache: Map<string, HttpInterface>): HttpInterface {
  let found = cache.get(candid);
  if (found === undefined) {
    found = readInterface(candid);
    if (cache.size >= 256) cache.clear();
    cache.set(candid, found);
  }
  return found;
}

function readInterface(candid: string): HttpInterface {
  let fields: Array<[string, IDL.FuncClass]>;
  try {
    fields = parseDid(candid).service._fields;
  } catch {
    return { request: undefined, update: undefined };
  }
  const method = (name: string, query: boolean): IDL.Type | undefined => {
    const func = fields.find(([n]) => n === name)?.[1];
    if (func === undefined || func.retTypes.length !== 1) return undefined;
    const isQuery =
      func.annotations.includes('query') || func.annotations.includes('composite_query');
    return isQuery === query ? func.retTypes[0] : undefined;
  };
  return { request: method('http_request', true), update: method('http_request_update', false) };
}

/** Decodes a reply of `http_request` (or of `http_request_update`) with the declared type. */
export function decodeHttpResponse(type: IDL.Type, reply: Uint8Array): CanisterHttpResponse {
  const [value] = IDL.decode([type], reply) as [Record<string, unknown>];
  const statusCode = Number(value['status_code']);
  const headers = (value['headers'] as Array<[string, string]> | undefined) ?? [];
  const upgrade = value['upgrade'] as [boolean] | [] | undefined;
  const strategy = value['streaming_strategy'] as
    [{ Callback?: { callback: [Principal, string]; token: unknown } }] | [] | undefined;
  const callback = strategy?.[0]?.Callback;
  return {
    statusCode,
    headers: headers.map(([name, v]) => [name, v]),
    body: bytesOf(value['body']),
    upgrade: upgrade?.[0] === true,
    streaming: callback === undefined ? undefined : streamingCallback(type, callback),
  };
}

/** Decodes a streaming callback's reply: the next chunk and the token for the one after, if any. */
export function decodeStreamingChunk(
  callback: StreamingCallback,
  reply: Uint8Array,
): { body: Uint8Array; token: [unknown] | [] } {
  const [value] = IDL.decode([callback.retType], reply) as [
    { body: unknown; token: [unknown] | [] },
  ];
  return { body: bytesOf(value.body), token: value.token };
}

function streamingCallback(
  responseType: IDL.Type,
  callback: { callback: [Principal, string]; token: unknown },
): StreamingCallback {
  const strategy = field(responseType, 'streaming_strategy');
  const variant = strategy instanceof IDL.OptClass ? unwrap(strategy._type) : undefined;
  const record = variant === undefined ? undefined : field(variant, 'Callback');
  const func = record === undefined ? undefined : field(record, 'callback');
  if (
    !(func instanceof IDL.FuncClass) ||
    func.argTypes.length !== 1 ||
    func.retTypes.length !== 1
  ) {
    throw new TypeError(
      'the streaming callback is not declared as func (token) -> (StreamingCallbackHttpResponse) query',
    );
  }
  const [canister, method] = callback.callback;
  return {
    canister,
    method,
    token: callback.token,
    argType: func.argTypes[0] as IDL.Type,
    retType: func.retTypes[0] as IDL.Type,
  };
}

function unwrap(type: IDL.Type): IDL.Type {
  return type instanceof IDL.RecClass ? unwrap(type.getType() as IDL.Type) : type;
}

/** The type of field `name` of a record or variant type. */
function field(type: IDL.Type, name: string): IDL.Type | undefined {
  const t = unwrap(type);
  if (!(t instanceof IDL.RecordClass) && !(t instanceof IDL.VariantClass)) return undefined;
  const entry = t._fields.find(([n]) => n === name);
  return entry === undefined ? undefined : unwrap(entry[1]);
}

function bytesOf(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return Uint8Array.from(value as number[]);
  return new Uint8Array(0);
}
