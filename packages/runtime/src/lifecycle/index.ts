/**
 * Lifecycle: which code a canister runs and whether it exists. Create, install, reinstall,
 * upgrade, uninstall and delete (`canister-admin.ts`, `installer.ts`); stop and start
 * (`lifecycle.ts`); snapshots; the module cache and what is known of a module without loading
 * it (`module-traits.ts`); and the recovery step when a runtime reopens a store, which answers
 * what was open at the last commit.
 */
export type { InitArg, InstallMode, PrepareModule } from './installer.js';
export { describeTimer } from './restart-recovery.js';
export type { DroppedTimer, RecoveryReport } from './restart-recovery.js';
