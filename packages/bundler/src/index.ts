export { bundleCanister, bundleKernel, prepareCanisterModule } from './bundle-canister.js';
export type { BundleCanisterOptions, CanisterBundle, PrepareOptions } from './bundle-canister.js';
export { BundlerError } from './bundler-error.js';
export type { BundlerErrorCode } from './bundler-error.js';
