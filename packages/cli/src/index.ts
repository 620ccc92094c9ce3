/** The `tincan` CLI as a library: what its commands do, for scripts and the README's main job. */
export { tincanCommand } from './commands/index.js';
export { startReplica, type RunningReplica, type StartOptions } from './start.js';
export {
  deployProject,
  encodeInitArg,
  type DeployOptions,
  type DeployedCanister,
} from './deploy.js';
export { callCanister, fetchCandid, type CallOptions, type OutputFormat } from './canister-call.js';
export { CanisterIds, networkKey } from './canister-ids.js';
export { resolveCanister, type ResolvedCanister } from './resolve-canister.js';
export { deployOrder, projectCanisters, type ProjectCanister } from './project.js';
export { parseCommandLine, renderHelp, type CommandSpec } from './command-line.js';
export { resolveNetwork, DEFAULT_HOST, type Network } from './network.js';
export { IdentityStore, identityFromPem, tincanHome } from './identity-store.js';
export { cliIdentitySource } from './dashboard-identities.js';
export { managementCanister, type ManagementCanister } from './management.js';
export { connect } from './connect.js';
export { CliError, type CliErrorCode } from './cli-error.js';
export { CallRejectedError } from '@tincan/abi';
export {
  Relayer,
  connectorIdl,
  type BridgeProof,
  type RelayerOptions,
  type RelayReport,
} from './bridge/relayer.js';
