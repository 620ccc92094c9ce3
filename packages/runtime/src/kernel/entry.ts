/**
 * Entry of the kernel bundle, evaluated in every sandbox before the canister's own bundle.
 * `install-globals` must stay the first import: it captures the host bridge and fixes the
 * globals before cbor-x or canister code can read them.
 *
 * The kernel leaves canister code the system API (everything in it is charged and safe to call)
 * and, until the preludes the replica put in front of the module claim them, the one-shot meter
 * claim and write barrier. Its
 * operations go to the host through the bridge, which the host keeps to itself; no global
 * reaches them.
 */
import './install-globals.js';
import { METER_SYMBOL, SYSTEM_API_SYMBOL, type Meter, type MeterClaim } from '@tincan/abi';
import { createKernelOps, type KernelState } from './kernel-ops.js';
import { createSystemApi } from './system-api.js';
import { host, prngState } from './install-globals.js';
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
const meterKey = Symbol.for(METER_SYMBOL);
const g = globalThis as unknown as Record<symbol, unknown>;
const state: KernelState = {
  adapter: undefined,
  meter,
  heap,
  prng: prngState.get(),
  withdrawMeterClaim: () => {
    delete g[meterKey];
  },
};
Object.defineProperty(globalThis, Symbol.for(SYSTEM_API_SYMBOL), {
  value: chargedSystemApi(
    createSystemApi({
      onRegister: (adapter) => {
        if (state.adapter !== undefined)
          throw new Error('a canister is already registered in this sandbox');
        state.adapter = adapter;
      },
      performanceCounter: (counterType) => meter.counter(counterType),
    }),
    meter,
  ),
  enumerable: false,
  writable: false,
  configurable: false,
});

const refill = (): number => {
  try {
    return meter.refill();
  } catch {
    return 0;
  }
};
// The bundle's prelude claims the meter before any canister code runs, and the claim leaves the
// global with its first use: canister code never sees it, so it can neither register a meter
// that never runs out nor ask for more budget.
const claim: MeterClaim = (bundleMeter: Meter) => {
  state.withdrawMeterClaim();
  meter.register(bundleMeter);
  return refill;
};
Object.defineProperty(globalThis, meterKey, {
  value: claim,
  enumerable: false,
  writable: false,
  configurable: true,
});
host.kernelReady(Object.freeze(createKernelOps(state)));
