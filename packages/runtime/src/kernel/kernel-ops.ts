/**
 * The kernel's operations, run by the host as script evaluations so that the sandbox's
 * microtask queue drains before control returns: when an op returns, every continuation it
 * woke has run until it finished or awaits a call response.
 */
import type { CanisterAdapter } from '@tincan/abi';
import { host, prngState } from './install-globals.js';
import type { KernelOps } from './host-bridge.js';
import { restoreInPlace, rootKeys, takeRestorePoint, type RestorePoint } from './heap-graph.js';
import { decodeHeap, encodeHeap, registerClass, unknownClasses } from './heap-codec.js';

/** Mutable state the kernel keeps between operations. */
export interface KernelState {
  adapter: CanisterAdapter | undefined;
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
    describe: () => JSON.stringify(adapter().describe()),
    invoke: () => adapter().invoke(host.opArg() as string),
    deliver: () => adapter().deliver(host.opArg() as number),
    forget: () => adapter().forget(JSON.parse(host.opArg() as string) as number[]),
    persist: () => encodeHeap(commitPoint(), state.prng),
    rollback: () => {
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
