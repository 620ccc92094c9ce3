/**
 * The kernel's operations, run by the host as script evaluations so that the sandbox's
 * microtask queue drains before control returns: when an op returns, every continuation it
 * woke has run until it finished or awaits a call response.
 */
import type { CanisterAdapter } from '@tincan/abi';
import { host, prngState } from './install-globals.js';
import type { KernelMeter } from './kernel-meter.js';
import type { KernelOps } from './host-bridge.js';
import { restoreInPlace, rootKeys, sameContents, takeRestorePoint, type RestorePoint } from './heap-graph.js';

/** Units the CDK's own bookkeeping after an execution (forgetting calls, undoing guards) may spend. */
const BOOKKEEPING_UNITS = 1 << 20;
/** What `persist` returns when the heap is exactly as last persisted. */
const UNCHANGED = new Uint8Array(0);
import { decodeHeap, encodeHeap, registerClass, unknownClasses } from './heap-codec.js';

/** Mutable state the kernel keeps between operations. */
export interface KernelState {
  adapter: CanisterAdapter | undefined;
  readonly meter: KernelMeter;
  point: RestorePoint | undefined;
  prng: number[];
  /** Removes the meter claim from the global, claimed or not: once the bundle ran, nothing may claim it. */
  readonly withdrawMeterClaim: () => void;
}

/** Builds the kernel operations over the registered canister adapter. */
export function createKernelOps(state: KernelState): KernelOps {
  const adapter = (): CanisterAdapter => {
    if (state.adapter === undefined) throw new Error('the canister module registered no canister: does it default-export a class?');
    return state.adapter;
  };
  // Ops that run canister code start an execution of the meter; every other op ends it.
  const { meter } = state;
  const commitPoint = (): RestorePoint => {
    const point = takeRestorePoint(adapter().heapRoot(), meter.heapLimit);
    state.point = point;
    state.prng = prngState.get();
    return point;
  };
  /** The restore point and random state before the last `persist`, for `unpersist`. */
  let undo: { point: RestorePoint | undefined; prng: number[] } | undefined;
  return {
    describe: () => {
      state.withdrawMeterClaim();
      // Unmetered code could loop forever and stall the whole replica: refuse it.
      if (!meter.registered) throw new Error('the module registered no meter: canister code must be bundled by tincan (@tincan/bundler)');
      meter.start();
      return JSON.stringify(adapter().describe());
    },
    invoke: () => {
      meter.start();
      adapter().invoke(host.opArg() as string);
    },
    deliver: () => {
      const callId = host.opArg() as number;
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
      meter.start();
      adapter().cleanup(host.opArg() as number);
    },
    timer: () => {
      meter.start();
      adapter().timer(host.opArg() as number);
    },
    persist: () => {
      meter.stop();
      const previous = state.point;
      const previousPrng = state.prng;
      undo = { point: previous, prng: previousPrng };
      const point = commitPoint();
      // An execution that changed nothing (it only made a call, say) keeps the last snapshot.
      if (previous !== undefined && sameContents(previous, point) && state.prng.every((w, i) => w === previousPrng[i])) return UNCHANGED;
      return encodeHeap(point, state.prng);
    },
    unpersist: () => {
      if (undo === undefined) return;
      state.point = undo.point;
      state.prng = undo.prng;
      undo = undefined;
    },
    rollback: () => {
      // The CDK's bookkeeping is metered code, and the execution may have spent its budget.
      meter.allowBookkeeping(BOOKKEEPING_UNITS);
      state.adapter?.rolledBack();
      if (state.point === undefined) commitPoint();
      else {
        restoreInPlace(state.point);
        prngState.set(state.prng);
      }
    },
    restore: () => {
      meter.stop();
      const root = adapter().heapRoot() as Record<string, unknown>;
      // Classes reachable from the freshly constructed instance help decode nested instances.
      for (const [name, proto] of takeRestorePoint(root).classes) registerClass(name, proto);
      const { prng, fields } = decodeHeap(new Uint8Array(host.opArg() as Uint8Array));
      for (const key of rootKeys(root)) if (!(key in fields)) delete root[key];
      Object.assign(root, fields);
      prngState.set(prng);
      commitPoint();
      if (unknownClasses.size > 0) {
        host.debugPrint(`[tincan] restored instances of unknown classes as plain objects: ${[...unknownClasses].join(', ')}; export those classes from the canister module to keep their prototype`);
        unknownClasses.clear();
      }
    },
  };
}
