export { bundleCanister, bundleKernel } from './bundle-canister.js';
export type { BundleCanisterOptions, CanisterBundle } from './bundle-canister.js';
export { BundlerError } from './bundler-error.js';
export type { BundlerErrorCode } from './bundler-error.js';
