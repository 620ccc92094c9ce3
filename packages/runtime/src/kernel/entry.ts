/**
 * Entry of the kernel bundle, evaluated in every sandbox before the canister's own bundle.
 * `install-globals` must stay the first import: it captures the host bridge and fixes the
 * globals before cbor-x or canister code can read them.
 */
import './install-globals.js';
import { SYSTEM_API_SYMBOL } from '@tincan/abi';
import { KERNEL_SYMBOL } from './host-bridge.js';
import { createKernelOps, refillMeter, resetMeter, unitsSpent, type KernelState } from './kernel-ops.js';
import { createSystemApi } from './system-api.js';
import { prngState } from './install-globals.js';

const state: KernelState = {
  adapter: undefined,
  meter: undefined,
  budget: 0,
  unissued: 0,
  point: undefined,
  prng: prngState.get(),
};
const define = (key: string, value: unknown): void => {
  Object.defineProperty(globalThis, Symbol.for(key), { value, enumerable: false, writable: false, configurable: false });
};
define(
  SYSTEM_API_SYMBOL,
  createSystemApi({
    onRegister: (adapter) => {
      if (state.adapter !== undefined) throw new Error('a canister is already registered in this sandbox');
      state.adapter = adapter;
    },
    onMeter: (meter) => {
      // The bundle's prelude registers first; a later registration is canister code trying to
      // swap in a meter that never runs out.
      if (state.meter !== undefined) throw new Error('a meter is already registered in this sandbox');
      state.meter = meter;
      resetMeter(state);
    },
    performanceCounter: () => BigInt(unitsSpent(state)),
    meterRefill: () => {
      try {
        return refillMeter(state);
      } catch {
        return 0;
      }
    },
  }),
);
define(KERNEL_SYMBOL, Object.freeze(createKernelOps(state)));
