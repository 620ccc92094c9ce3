import { IDL, idlLabelToId } from '@dfinity/candid';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDid, serviceToDid } from './index.js';

/**
 * Shape of a random IDL type. Generated as plain data first, then built into IDL objects, because
 * Recs need a stack of enclosing Recs that `self` nodes can point back to.
 */
type Spec =
  | { k: 'prim'; t: IDL.Type }
  | { k: 'self'; up: number }
  | { k: 'opt' | 'vec'; c: Spec }
  | { k: 'record' | 'variant'; f: Array<[string, Spec]> }
  | { k: 'tuple'; c: Spec[] }
  | { k: 'rec'; body: Spec }
  | FuncSpec
  | { k: 'service'; m: Array<[string, FuncSpec]> };

interface FuncSpec {
  k: 'func';
  args: Spec[];
  rets: Spec[];
  ann: string[];
}

const PRIMS = [
  IDL.Nat,
  IDL.Nat8,
  IDL.Nat16,
  IDL.Nat32,
  IDL.Nat64,
  IDL.Int,
  IDL.Int8,
  IDL.Int16,
  IDL.Int32,
  IDL.Int64,
  IDL.Float32,
  IDL.Float64,
  IDL.Bool,
  IDL.Text,
  IDL.Null,
  IDL.Reserved,
  IDL.Empty,
  IDL.Principal,
];

/** Labels that exercise quoting, keywords, numeric ids and plain names. */
const label = fc.oneof(
  fc.constantFrom(
    'a',
    'ok',
    'err',
    'type',
    'text',
    'my-field',
    'with space',
    'q"uote',
    'é',
    '_0_',
    '_1_',
    '_7_',
    '_99_',
  ),
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,5}$/),
);
const methodName = fc.oneof(
  fc.constantFrom('get', 'set', 'query', 'my-method', '_1_', 'ü'),
  fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/),
);
const annotations = fc.constantFrom<string[]>([], ['query'], ['composite_query'], ['oneway']);
// Unique by id, not by key: `c` and `_99_` are different keys with the same id (99).
const fields = <T>(arb: fc.Arbitrary<T>) =>
  fc.uniqueArray(fc.tuple(label, arb), { selector: ([l]) => idlLabelToId(l), maxLength: 4 });

const { type: specArb, func: funcArb } = fc.letrec<{ type: Spec; ctor: Spec; func: FuncSpec }>(
  (tie) => ({
    type: fc.oneof(
      { maxDepth: 3, depthIdentifier: 'spec' },
      { arbitrary: fc.constantFrom(...PRIMS).map((t): Spec => ({ k: 'prim', t })), weight: 4 },
      { arbitrary: fc.nat(2).map((up): Spec => ({ k: 'self', up })), weight: 3 },
      { arbitrary: tie('ctor'), weight: 4 },
      { arbitrary: tie('ctor').map((body): Spec => ({ k: 'rec', body })), weight: 3 },
      { arbitrary: tie('func'), weight: 1 },
      {
        arbitrary: fc
          .uniqueArray(fc.tuple(methodName, tie('func')), {
            selector: ([n]) => n,
            maxLength: 2,
          })
          .map((m): Spec => ({ k: 'service', m })),
        weight: 1,
      },
    ),
    ctor: fc.oneof(
      { depthIdentifier: 'spec' },
      tie('type').map((c): Spec => ({ k: 'opt', c })),
      tie('type').map((c): Spec => ({ k: 'vec', c })),
      fields(tie('type')).map((f): Spec => ({ k: 'record', f })),
      fields(tie('type')).map((f): Spec => ({ k: 'variant', f })),
      fc.array(tie('type'), { minLength: 1, maxLength: 3 }).map((c): Spec => ({ k: 'tuple', c })),
    ),
    func: fc
      .record({
        args: fc.array(tie('type'), { maxLength: 3 }),
        rets: fc.array(tie('type'), { maxLength: 2 }),
        ann: annotations,
      })
      .map((f): FuncSpec => ({ k: 'func', ...f, rets: f.ann.includes('oneway') ? [] : f.rets })),
  }),
);

function build(spec: Spec, recs: IDL.RecClass[]): IDL.Type {
  switch (spec.k) {
    case 'prim':
      return spec.t;
    case 'self':
      return recs.length === 0 ? IDL.Text : (recs[spec.up % recs.length] as IDL.RecClass);
    case 'opt':
      return IDL.Opt(build(spec.c, recs));
    case 'vec':
      return IDL.Vec(build(spec.c, recs));
    case 'record':
    case 'variant': {
      const obj = Object.fromEntries(spec.f.map(([l, s]) => [l, build(s, recs)]));
      return spec.k === 'record' ? IDL.Record(obj) : IDL.Variant(obj);
    }
    case 'tuple':
      return IDL.Tuple(...spec.c.map((s) => build(s, recs)));
    case 'rec': {
      const rec = IDL.Rec();
      rec.fill(build(spec.body, [rec, ...recs]) as IDL.ConstructType);
      return rec;
    }
    case 'func':
      return buildFunc(spec, recs);
    case 'service':
      return IDL.Service(Object.fromEntries(spec.m.map(([n, f]) => [n, buildFunc(f, recs)])));
  }
}

function buildFunc(spec: FuncSpec, recs: IDL.RecClass[]): IDL.FuncClass {
  const args = spec.args.map((s) => build(s, recs)) as IDL.GenericIdlFuncArgs;
  const rets = spec.rets.map((s) => build(s, recs)) as IDL.GenericIdlFuncRets;
  return IDL.Func(args, rets, spec.ann);
}

const serviceArb = fc.record({
  methods: fc.uniqueArray(fc.tuple(methodName, funcArb), { selector: ([n]) => n, maxLength: 4 }),
  init: fc.option(fc.array(specArb, { maxLength: 2 }), { nil: undefined }),
});

describe('serviceToDid ∘ parseDid', () => {
  it('is a fixed point of printing for random services', () => {
    fc.assert(
      fc.property(serviceArb, ({ methods, init }) => {
        const service = IDL.Service(
          Object.fromEntries(methods.map(([n, f]) => [n, buildFunc(f, [])])),
        );
        const initArgs = init?.map((s) => build(s, []));
        const did = serviceToDid(service, initArgs);

        const parsed = parseDid(did);
        expect(serviceToDid(parsed.service)).toBe(serviceToDid(service));
        expect(serviceToDid(parsed.service, parsed.initArgs)).toBe(did);
        // Beyond the text: the parsed service is the same type as far as subtyping can tell.
        // The subtype cache is global and copied on every call; clear it so runs stay fast.
        IDL.resetSubtypeCache();
        expect(IDL.subtype(service, parsed.service) && IDL.subtype(parsed.service, service)).toBe(
          true,
        );
      }),
      { numRuns: Number(process.env.CANDID_FC_RUNS ?? 300) },
    );
  }, 60_000);
});
