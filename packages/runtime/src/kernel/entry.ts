/**
 * Entry of the kernel bundle, evaluated in every sandbox before the canister's own bundle.
 * `install-globals` must stay the first import: it captures the host bridge and fixes the
 * globals before cbor-x or canister code can read them.
 */
import './install-globals.js';
import { SYSTEM_API_SYMBOL } from '@tincan/abi';
import { KERNEL_SYMBOL } from './host-bridge.js';
import { createKernelOps, type KernelState } from './kernel-ops.js';
import { createSystemApi } from './system-api.js';
import { prngState } from './install-globals.js';

const state: KernelState = {
  adapter: undefined,
  point: undefined,
  prng: prngState.get(),
};
const define = (key: string, value: unknown): void => {
  Object.defineProperty(globalThis, Symbol.for(key), { value, enumerable: false, writable: false, configurable: false });
};
define(
  SYSTEM_API_SYMBOL,
  createSystemApi((adapter) => {
    if (state.adapter !== undefined) throw new Error('a canister is already registered in this sandbox');
    state.adapter = adapter;
  }),
);
define(KERNEL_SYMBOL, Object.freeze(createKernelOps(state)));
