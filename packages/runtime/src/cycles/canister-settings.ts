/**
 * A canister's settings as ICP's `update_settings` defines them, and its cycle balance. Both
 * live in the canister's registry record (`settingsJson`, `cycles`), so they commit and roll
 * back with everything else the store holds.
 */
import { principalText } from '../canisters/principal-text.js';
import { RuntimeError } from '../runtime-error.js';
import type { CanisterRecord, StateStore } from '../state/state-store.js';

/** Settings of a canister (ICP's `canister_settings`, with defaults filled in). */
export interface CanisterSettings {
  /** Seconds of idle burn the canister must keep in reserve; below it the canister is frozen. */
  readonly freezingThresholdSeconds: bigint;
  /** Bytes reserved for the canister; 0 means best effort. */
  readonly memoryAllocationBytes: bigint;
  /** Percent of a core reserved for the canister. */
  readonly computeAllocationPercent: bigint;
  /** Upper bound on cycles moved into the reserved balance. */
  readonly reservedCyclesLimit: bigint;
  /** Upper bound on the heap in bytes; 0 means none. */
  readonly wasmMemoryLimitBytes: bigint;
  /** Who may read the canister's log through `fetch_canister_logs`. */
  readonly logVisibility: 'controllers' | 'public';
}

/** ICP's defaults for a new canister. */
export const DEFAULT_CANISTER_SETTINGS: CanisterSettings = {
  freezingThresholdSeconds: 2_592_000n,
  memoryAllocationBytes: 0n,
  computeAllocationPercent: 0n,
  reservedCyclesLimit: 5_000_000_000_000n,
  wasmMemoryLimitBytes: 3_221_225_472n,
  logVisibility: 'controllers',
};

const BIGINT_KEYS = [
  'freezingThresholdSeconds',
  'memoryAllocationBytes',
  'computeAllocationPercent',
  'reservedCyclesLimit',
  'wasmMemoryLimitBytes',
] as const;

/** Reads settings stored by {@link serializeSettings}; missing keys take their defaults. */
export function parseSettings(json: string): CanisterSettings {
  const raw = JSON.parse(json === '' ? '{}' : json) as Record<string, unknown>;
  const settings: Record<string, unknown> = { ...DEFAULT_CANISTER_SETTINGS };
  for (const key of BIGINT_KEYS) if (typeof raw[key] === 'string') settings[key] = BigInt(raw[key]);
  if (raw.logVisibility === 'public' || raw.logVisibility === 'controllers')
    settings.logVisibility = raw.logVisibility;
  return settings as unknown as CanisterSettings;
}

/** JSON of settings, with bigints as decimal strings (JSON has no bigints). */
export function serializeSettings(settings: CanisterSettings): string {
  return JSON.stringify(settings, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
}

/** A settings change: any subset of the settings, plus a new controller list. */
export type SettingsUpdate = Partial<CanisterSettings> & {
  readonly controllers?: readonly Uint8Array[];
};

/** Applies `update` to the canister's record and persists it; bumps `canister_version`. */
export function updateSettings(
  actor: { record: CanisterRecord },
  store: StateStore,
  update: SettingsUpdate,
): void {
  const { controllers, ...rest } = update;
  if (controllers !== undefined && controllers.length > 10) {
    throw new RuntimeError(
      'ERR_INVALID_ARGUMENT',
      `canister ${principalText(actor.record.id)} can have at most 10 controllers, got ${controllers.length}`,
    );
  }
  const settings = { ...parseSettings(actor.record.settingsJson), ...rest };
  actor.record = {
    ...actor.record,
    ...(controllers !== undefined && { controllers: [...controllers] }),
    settingsJson: serializeSettings(settings),
    version: actor.record.version + 1n,
  };
  store.putCanister(actor.record);
}

/** Adds cycles to the canister's balance (`deposit_cycles`, `provisional_top_up_canister`). */
export function depositCycles(
  actor: { record: CanisterRecord },
  store: StateStore,
  amount: bigint,
): void {
  if (amount < 0n)
    throw new RuntimeError(
      'ERR_INVALID_ARGUMENT',
      `cannot deposit a negative amount of cycles (${amount})`,
    );
  actor.record = { ...actor.record, cycles: actor.record.cycles + amount };
  store.putCanister(actor.record);
}
