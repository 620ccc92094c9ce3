/**
 * The names of the ECMAScript typed-array constructors, in the order the bundler binds them
 * around a bundle (the wrapper's parameter list follows it, so bundles stay byte-stable).
 * `bind-globals.ts` binds them as realm globals; `fresh-bindings.ts` knows that `new` of one of
 * them makes a new typed array whose buffer may be new too.
 */
export const TYPED_ARRAY_NAMES: readonly string[] = [
  'Uint8Array',
  'Int8Array',
  'Uint8ClampedArray',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
  'BigUint64Array',
  'BigInt64Array',
];
