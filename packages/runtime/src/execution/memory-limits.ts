/**
 * ICP's memory settings, enforced at commit: `wasm_memory_limit` bounds the heap, and a
 * non-zero `memory_allocation` bounds everything the canister holds (code, heap and stable
 * maps). An execution whose commit would exceed either traps and rolls back, as a Wasm
 * execution that grows memory past them does on ICP.
 */
import type { CanisterState } from '../canisters/canister-state.js';
import type { StateStore } from '../state/state-store.js';

/** The trap message if committing a heap of `heapBytes` breaks the canister's memory settings. */
export function memoryLimitTrap(
  actor: CanisterState,
  heapBytes: number,
  store: StateStore,
): string | undefined {
  const settings = actor.settings();
  if (settings.wasmMemoryLimitBytes > 0n && BigInt(heapBytes) > settings.wasmMemoryLimitBytes) {
    return `Canister exceeded its wasm_memory_limit of ${settings.wasmMemoryLimitBytes} bytes: its heap would be ${heapBytes} bytes`;
  }
  if (settings.memoryAllocationBytes === 0n) return undefined;
  // Only canisters with an allocation pay for counting their stable bytes.
  const used = BigInt(heapBytes + actor.record.module.length) + store.stableBytes(actor.record.id);
  if (used <= settings.memoryAllocationBytes) return undefined;
  return `Canister exceeded its memory allocation of ${settings.memoryAllocationBytes} bytes: it would hold ${used} bytes (code, heap and stable maps)`;
}
