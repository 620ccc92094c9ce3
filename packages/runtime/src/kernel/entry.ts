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
import { KernelMeter } from './kernel-meter.js';
import { installBuiltinCharges } from './builtin-charges.js';
import { chargedSystemApi } from './system-api-charges.js';
import { createHeapTracker } from './heap-tracker.js';
import { installWriteBarrier } from './write-barrier.js';
import { knownClass } from './heap-codec.js';

const meter = new KernelMeter();
installBuiltinCharges(meter);
const heap = createHeapTracker(knownClass);
installWriteBarrier(heap);
const state: KernelState = {
  adapter: undefined,
  meter,
  heap,
  prng: prngState.get(),
};
const define = (key: string, value: unknown): void => {
  Object.defineProperty(globalThis, Symbol.for(key), { value, enumerable: false, writable: false, configurable: false });
};
define(
  SYSTEM_API_SYMBOL,
  chargedSystemApi(
    createSystemApi({
      onRegister: (adapter) => {
        if (state.adapter !== undefined) throw new Error('a canister is already registered in this sandbox');
        state.adapter = adapter;
      },
      // The bundle's prelude registers first; the meter refuses any later registration.
      onMeter: (bundleMeter) => meter.register(bundleMeter),
      performanceCounter: (counterType) => meter.counter(counterType),
      meterRefill: () => {
        try {
          return meter.refill();
        } catch {
          return 0;
        }
      },
    }),
    meter,
  ),
);
define(KERNEL_SYMBOL, Object.freeze(createKernelOps(state)));
