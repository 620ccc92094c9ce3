/**
 * Cycles and settings: what executions, calls and ingress messages cost, the freezing
 * threshold, and the balance bookkeeping between executions (`Balances`, which also merges a
 * canister's heap deltas until the batch writes them); and a canister's settings as
 * `update_settings` defines them, kept with its balance in its registry record.
 */
export { ICP_13_NODE_FEES, ZERO_FEES } from './cycles.js';
export type { CycleFees } from './cycles.js';
export { DEFAULT_CANISTER_SETTINGS, parseSettings } from './canister-settings.js';
export type { CanisterSettings, SettingsUpdate } from './canister-settings.js';
