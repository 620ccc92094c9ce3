import { IDL, idlLabelToId } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import { parseDid, serviceToDid } from './index.js';

/** Trimmed-down ICRC-1 ledger interface, written the way ledgers publish it. */
const ICRC1_LEDGER = `
// Values in metadata and blocks; recursive through Array and Map.
type Value = variant {
  Nat : nat;
  Int : int;
  Text : text;
  Blob : blob;
  Array : vec Value;
  Map : vec record { text; Value };
};
type Subaccount = blob;
type Account = record { owner : principal; subaccount : opt Subaccount };
type Tokens = nat;
type Timestamp = nat64;

/* Used before it is defined: order must not matter. */
type TransferArg = record {
  from_subaccount : opt Subaccount;
  to : Account;
  amount : Tokens;
  fee : opt Tokens;
  memo : opt blob;
  created_at_time : opt Timestamp;
};
type TransferError = variant {
  BadFee : record { expected_fee : Tokens };
  BadBurn : record { min_burn_amount : Tokens };
  InsufficientFunds : record { balance : Tokens };
  TooOld;
  CreatedInFuture : record { ledger_time : Timestamp };
  Duplicate : record { duplicate_of : nat };
  TemporarilyUnavailable;
  GenericError : record { error_code : nat; message : text };
};
type TransferResult = variant { Ok : nat; Err : TransferError };
type InitArgs = record {
  minting_account : Account;
  token_name : text;
  token_symbol : text;
  metadata : vec record { text; Value };
  initial_balances : vec record { Account; nat };
};
type UpgradeArgs = record { token_symbol : opt text; metadata : opt vec record { text; Value } };
type LedgerArg = variant { Init : InitArgs; Upgrade : opt UpgradeArgs };

service : (LedgerArg) -> {
  icrc1_name : () -> (text) query;
  icrc1_metadata : () -> (vec record { text; Value }) query;
  icrc1_balance_of : (Account) -> (Tokens) query;
  icrc1_transfer : (TransferArg) -> (TransferResult);
  icrc1_supported_standards : () -> (vec record { name : text; url : text }) query;
}
`;

function method(service: IDL.ServiceClass, name: string): IDL.FuncClass {
  const found = service._fields.find(([n]) => n === name);
  if (!found) throw new Error(`no method ${name}`);
  return found[1];
}

describe('parseDid on an ICRC-1 ledger interface', () => {
  const parsed = parseDid(ICRC1_LEDGER);

  it('reads the init args and methods', () => {
    expect(parsed.initArgs).toHaveLength(1);
    const ledgerArg = parsed.initArgs?.[0];
    expect(ledgerArg).toBeInstanceOf(IDL.VariantClass);
    expect((ledgerArg as IDL.VariantClass)._fields.map(([k]) => k).sort()).toEqual([
      'Init',
      'Upgrade',
    ]);
    expect(parsed.service._fields.map(([n]) => n)).toEqual([
      'icrc1_balance_of',
      'icrc1_metadata',
      'icrc1_name',
      'icrc1_supported_standards',
      'icrc1_transfer',
    ]);
    expect(method(parsed.service, 'icrc1_balance_of').annotations).toEqual(['query']);
    expect(method(parsed.service, 'icrc1_transfer').annotations).toEqual([]);
  });

  it('makes Value a Rec and leaves aliases as plain types', () => {
    expect(parsed.types.Value).toBeInstanceOf(IDL.RecClass);
    expect(parsed.types.Account).toBeInstanceOf(IDL.RecordClass);
    expect(parsed.types.Tokens).toBe(IDL.Nat);
    expect(parsed.types.Subaccount?.name).toBe('vec nat8');
    // Named types are substituted, so every use shares one object.
    expect(parsed.types.TransferArg).toBeInstanceOf(IDL.RecordClass);
    const fields = Object.fromEntries((parsed.types.TransferArg as IDL.RecordClass)._fields);
    expect(fields.to).toBe(parsed.types.Account);
  });

  it('encodes and decodes recursive values with the parsed types', () => {
    const value = {
      Map: [
        ['decimals', { Nat: 8n }],
        ['tags', { Array: [{ Text: 'a' }, { Blob: new Uint8Array([1, 2]) }] }],
      ],
    };
    const Value = parsed.types.Value as IDL.Type;
    const [decoded] = IDL.decode([Value], IDL.encode([Value], [value]));
    expect(decoded).toEqual(value);
  });

  it('decodes a transfer the way a client would send it', () => {
    const arg = {
      from_subaccount: [],
      to: { owner: Principal.fromText('aaaaa-aa'), subaccount: [] },
      amount: 10n,
      fee: [],
      memo: [new Uint8Array([7])],
      created_at_time: [1n],
    };
    const transfer = method(parsed.service, 'icrc1_transfer');
    const [decoded] = IDL.decode(transfer.argTypes, IDL.encode(transfer.argTypes, [arg]));
    expect(decoded).toEqual(arg);
  });

  it('prints back to text that parses to the same thing', () => {
    const printed = serviceToDid(parsed.service, parsed.initArgs);
    expect(printed).toContain('type rec_0 = variant {');
    const again = parseDid(printed);
    expect(serviceToDid(again.service, again.initArgs)).toBe(printed);
  });
});

describe('parseDid syntax', () => {
  it('accepts comments, argument names, a service name and quoted names', () => {
    const { service, initArgs, types } = parseDid(`
      /* outer /* nested */ still a comment */
      type Pair = record { nat; text };  // tuple sugar
      service ledger : {
        "send-to" : (to : principal, amount : nat) -> (ok : bool);
        peek : (Pair) -> () composite_query;
        ping : () -> () oneway;
      };
    `);
    expect(initArgs).toBeUndefined();
    expect(types.Pair).toBeInstanceOf(IDL.TupleClass);
    const send = method(service, 'send-to');
    expect(send.argTypes).toEqual([IDL.Principal, IDL.Nat]);
    expect(send.retTypes).toEqual([IDL.Bool]);
    expect(method(service, 'peek').annotations).toEqual(['composite_query']);
    expect(method(service, 'ping').annotations).toEqual(['oneway']);
  });

  it('reads every primitive type', () => {
    const prims =
      'nat, nat8, nat16, nat32, nat64, int, int8, int16, int32, int64, float32, float64, bool, text, null, reserved, empty, principal, blob';
    const { service } = parseDid(`service : { m : (${prims}) -> () }`);
    expect(
      method(service, 'm')
        .argTypes.map((t) => t.name)
        .join(', '),
    ).toBe(prims.replace('blob', 'vec nat8'));
  });

  it('gives fields the ids the spec asks for', () => {
    const { types } = parseDid(`
      type R = record { 5 : nat; "my-field" : text; 0x10 : bool; a : nat; int };
      type V = variant { ok; 7; "quoted"; err : text };
      type T = record { 0 : nat; 1 : text };
      service : {}
    `);
    const r = types.R as IDL.RecordClass;
    // The unnamed field follows `a`, so its id is hash(a) + 1.
    const keys = ['_5_', 'my-field', '_16_', 'a', `_${idlLabelToId('a') + 1}_`];
    expect(r._fields.map(([k]) => k).sort()).toEqual(keys.sort());
    expect(r.fieldsAsObject[idlLabelToId('a') + 1]).toBe(IDL.Int);
    const v = types.V as IDL.VariantClass;
    expect(Object.fromEntries(v._fields)).toEqual({
      ok: IDL.Null,
      _7_: IDL.Null,
      quoted: IDL.Null,
      err: IDL.Text,
    });
    expect(types.T).toBeInstanceOf(IDL.TupleClass);
  });

  it('resolves func and service references, including recursive services', () => {
    const { service, types } = parseDid(`
      type Callback = func (nat) -> () oneway;
      type Node = service { next : () -> (opt Node) query; notify : Callback };
      type Api = service { root : () -> (Node) };
      service main : Api
    `);
    expect(types.Node).toBeInstanceOf(IDL.RecClass);
    expect(types.Callback).toBeInstanceOf(IDL.FuncClass);
    const root = method(service, 'root');
    expect(root.retTypes[0]).toBe(types.Node);
    const node = (types.Node as IDL.RecClass).getType() as IDL.ServiceClass;
    expect(method(node, 'notify').annotations).toEqual(['oneway']);
    expect(serviceToDid(service)).toContain('type rec_0 = service {');
  });

  it('supports `service : (args) -> Name` and text escapes', () => {
    const { service, initArgs } = parseDid(`
      type S = service { "caf\\u{e9}\\t\\22\\c3\\a9" : () -> () };
      service : (record { owner : principal }, opt nat) -> S;
    `);
    expect(initArgs?.map((t) => t.name)).toEqual(['record {owner:principal}', 'opt nat']);
    expect(service._fields.map(([n]) => n)).toEqual(['café\t"é']);
  });

  it('builds mutually recursive types with a Rec for each', () => {
    const { types } = parseDid(`
      type Tree = record { value : nat; children : Forest };
      type Forest = vec Tree;
      service : { walk : (Tree) -> (Forest) }
    `);
    expect(types.Tree).toBeInstanceOf(IDL.RecClass);
    expect(types.Forest).toBeInstanceOf(IDL.RecClass);
    const tree = { value: 1n, children: [{ value: 2n, children: [] }] };
    const Tree = types.Tree as IDL.Type;
    expect(IDL.decode([Tree], IDL.encode([Tree], [tree]))).toEqual([tree]);
  });
});
