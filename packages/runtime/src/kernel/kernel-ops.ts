/**
 * The kernel's operations, run by the host as script evaluations so that the sandbox's
 * microtask queue drains before control returns: when an op returns, every continuation it
 * woke has run until it finished or awaits a call response.
 */
import type { CanisterAdapter, Meter } from '@tincan/abi';
import { host, prngState } from './install-globals.js';
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
  meter: Meter | undefined;
  /** The current execution's whole budget, for performanceCounter. */
  budget: number;
  /** Budget not yet handed to the meter. */
  unissued: number;
  point: RestorePoint | undefined;
  prng: number[];
}

/** Builds the kernel operations over the registered canister adapter. */
export function createKernelOps(state: KernelState): KernelOps {
  const adapter = (): CanisterAdapter => {
    if (state.adapter === undefined) throw new Error('the canister module registered no canister: does it default-export a class?');
    return state.adapter;
  };
  const commitPoint = (): RestorePoint => {
    const point = takeRestorePoint(adapter().heapRoot());
    state.point = point;
    state.prng = prngState.get();
    return point;
  };
  return {
    describe: () => {
      // Unmetered code could loop forever and stall the whole replica: refuse it.
      if (state.meter === undefined) throw new Error('the module registered no meter: canister code must be bundled by tincan (@tincan/bundler)');
      resetMeter(state);
      return JSON.stringify(adapter().describe());
    },
    invoke: () => {
      resetMeter(state);
      adapter().invoke(host.opArg() as string);
    },
    deliver: () => {
      resetMeter(state);
      adapter().deliver(host.opArg() as number);
    },
    forget: () => {
      // CDK code is metered, and the execution that made these calls may have spent its budget.
      state.meter?.reset(BOOKKEEPING_UNITS);
      adapter().forget(JSON.parse(host.opArg() as string) as number[]);
    },
    cleanup: () => {
      resetMeter(state);
      adapter().cleanup(host.opArg() as number);
    },
    spent: () => unitsSpent(state),
    timer: () => {
      resetMeter(state);
      adapter().timer(host.opArg() as number);
    },
    persist: () => {
      const previous = state.point;
      const previousPrng = state.prng;
      const point = commitPoint();
      // An execution that changed nothing (it only made a call, say) keeps the last snapshot.
      if (previous !== undefined && sameContents(previous, point) && state.prng.every((w, i) => w === previousPrng[i])) return UNCHANGED;
      return encodeHeap(point, state.prng);
    },
    rollback: () => {
      if (state.adapter !== undefined) {
        // The CDK's bookkeeping is metered code, and the execution may have spent its budget.
        state.meter?.reset(BOOKKEEPING_UNITS);
        state.adapter.rolledBack();
      }
      if (state.point === undefined) commitPoint();
      else {
        restoreInPlace(state.point);
        prngState.set(state.prng);
      }
    },
    restore: () => {
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

/**
 * Units the meter gets at a time. Between slices the kernel (unmetered) checks the process heap,
 * so an execution that allocates without end traps before it can exhaust the replica's memory.
 */
const SLICE_UNITS = 1 << 22;

/** Gives the meter the first slice of the current execution's budget. */
export function resetMeter(state: KernelState): void {
  state.budget = host.instructionBudget();
  state.unissued = state.budget;
  state.meter?.reset(issue(state));
}

/** The meter's next slice, or 0 (with the trap recorded) when the execution must stop. */
export function refillMeter(state: KernelState): number {
  if (host.heapExhausted()) {
    host.trap('heap memory limit exceeded: the replica process is nearly out of memory');
    return 0;
  }
  if (state.unissued <= 0) {
    host.trap('instruction limit exceeded');
    return 0;
  }
  return issue(state);
}

/** Units spent so far by the current execution. */
export function unitsSpent(state: KernelState): number {
  let remaining: number;
  try {
    remaining = state.meter?.remaining() ?? 0;
  } catch {
    // The meter is canister-bundle code and spends a unit itself: an exhausted one throws.
    remaining = 0;
  }
  return Math.max(0, state.budget - state.unissued - Math.max(0, remaining));
}

function issue(state: KernelState): number {
  const slice = Math.min(SLICE_UNITS, state.unissued);
  state.unissued -= slice;
  return slice;
}
