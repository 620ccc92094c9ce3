/**
 * The kernel's operations, run by the host as script evaluations so that the sandbox's
 * microtask queue drains before control returns: when an op returns, every continuation it
 * woke has run until it finished or awaits a call response.
 */
import type { CanisterAdapter } from '@tincan/abi';
import { host, prngState } from './install-globals.js';
import type { KernelMeter } from './kernel-meter.js';
import type { KernelOps } from './host-bridge.js';
import { rootKeys } from './heap-graph.js';
import { classesOf } from './heap-objects.js';
import { decodeHeap, registerClass, unknownClasses } from './heap-codec.js';
import type { HeapTracker } from './heap-tracker.js';
import { decodeMeta, unpackHeap } from './heap-rows.js';
import { barrierState, withdrawBarrier } from './write-barrier.js';

/** Units the CDK's own bookkeeping after an execution (forgetting calls, undoing guards) may spend. */
const BOOKKEEPING_UNITS = 1 << 20;

/** Mutable state the kernel keeps between operations. */
export interface KernelState {
  adapter: CanisterAdapter | undefined;
  readonly meter: KernelMeter;
  readonly heap: HeapTracker;
  /** `Math.random` state at the last commit. */
  prng: number[];
  /** Removes the meter claim from the global, claimed or not: once the bundle ran, nothing may claim it. */
  readonly withdrawMeterClaim: () => void;
}

/** Builds the kernel operations over the registered canister adapter. */
export function createKernelOps(state: KernelState): KernelOps {
  const adapter = (): CanisterAdapter => {
    if (state.adapter === undefined)
      throw new Error(
        'the canister module registered no canister: does it default-export a class?',
      );
    return state.adapter;
  };
  // Ops that run canister code start an execution of the meter; every other op ends it.
  const { meter, heap } = state;
  /** The random state before the last `persist`, for `unpersist`. */
  let undoPrng: number[] | undefined;
  /** The random state at each open mark (a transaction's frames), innermost last. */
  const markPrng: number[][] = [];
  return {
    describe: () => {
      state.withdrawMeterClaim();
      withdrawBarrier();
      // Unmetered code could loop forever and stall the whole replica: refuse it.
      if (!meter.registered)
        throw new Error(
          'the module registered no meter: canister code must be bundled by tincan (@tincan/bundler)',
        );
      if (!barrierState.registered)
        throw new Error(
          'the module has no write barrier: canister code must be bundled by this version of tincan (@tincan/bundler)',
        );
      meter.start();
      return JSON.stringify(adapter().describe());
    },
    invoke: () => {
      heap.begin();
      meter.start();
      adapter().invoke(host.opArg() as string);
    },
    deliver: () => {
      const callId = host.opArg() as number;
      heap.begin();
      meter.start(callId);
      adapter().deliver(callId);
    },
    forget: () => {
      // CDK code is metered, and the execution that made these calls may have spent its budget.
      meter.allowBookkeeping(BOOKKEEPING_UNITS);
      const callIds = JSON.parse(host.opArg() as string) as number[];
      meter.callsForgotten(callIds);
      adapter().forget(callIds);
    },
    spent: () => {
      meter.stop();
      return meter.spent();
    },
    cleanup: () => {
      heap.begin();
      meter.start();
      adapter().cleanup(host.opArg() as number);
    },
    timer: () => {
      heap.begin();
      meter.start();
      adapter().timer(host.opArg() as number);
    },
    persist: () => {
      meter.stop();
      const prng = prngState.get();
      const previous = state.prng;
      const changed =
        prng[0] !== previous[0] ||
        prng[1] !== previous[1] ||
        prng[2] !== previous[2] ||
        prng[3] !== previous[3];
      const delta = heap.persist(adapter().heapRoot(), changed, prng, meter.heapLimit);
      undoPrng = previous;
      state.prng = prng;
      // Null: the heap is exactly as last persisted (an execution that only made a call, say).
      return delta ?? null;
    },
    unpersist: () => {
      heap.unpersist();
      if (undoPrng !== undefined) state.prng = undoPrng;
      undoPrng = undefined;
    },
    mark: () => {
      markPrng.push(prngState.get());
      return heap.mark();
    },
    unmark: () => {
      markPrng.pop();
      heap.unmark();
    },
    rewind: () => {
      const prng = markPrng.pop();
      heap.rewind(host.opArg() as number);
      if (prng !== undefined) prngState.set(prng);
    },
    rollback: () => {
      markPrng.length = 0;
      // The CDK's bookkeeping is metered code, and the execution may have spent its budget.
      meter.allowBookkeeping(BOOKKEEPING_UNITS);
      state.adapter?.rolledBack();
      heap.rollback();
      prngState.set(state.prng);
    },
    restore: () => {
      meter.stop();
      const root = adapter().heapRoot() as Record<string, unknown>;
      // Classes reachable from the freshly constructed instance help decode nested instances.
      for (const [name, proto] of classesOf(root)) registerClass(name, proto);
      const packed = host.opArg() as Uint8Array | undefined;
      if (packed === undefined) {
        // Nothing committed yet (the install left construction to this load): the fresh
        // instance is the heap; tracked now, so a rollback restores it, and written with the next commit.
        const bytes = heap.adopt(root, prngState.get());
        state.prng = prngState.get();
        return bytes;
      }
      const { meta: metaBytes, rows } = unpackHeap(new Uint8Array(packed));
      const meta = decodeMeta(metaBytes);
      let bytes: number;
      if (meta === undefined) {
        // A heap from before object rows: one cbor snapshot. Its rows go out with the next commit.
        const { prng, fields } = decodeHeap(metaBytes);
        for (const key of rootKeys(root)) if (!(key in fields)) delete root[key];
        Object.assign(root, fields);
        prngState.set(prng);
        bytes = heap.adopt(root, prngState.get());
      } else {
        for (const name of heap.load(root, meta, rows)) unknownClasses.add(name);
        prngState.set(meta.prng);
        bytes = meta.bytes;
      }
      state.prng = prngState.get();
      if (unknownClasses.size > 0) {
        host.debugPrint(
          `[tincan] restored instances of unknown classes as plain objects: ${[...unknownClasses].join(', ')}; export those classes from the canister module to keep their prototype`,
        );
        unknownClasses.clear();
      }
      return bytes;
    },
  };
}
