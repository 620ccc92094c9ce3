import { TincanError } from '@tincan/errors';

/** Codes of {@link BundlerError}. */
export type BundlerErrorCode = 'ERR_BUNDLE_FAILED' | 'ERR_ENTRY_NOT_FOUND' | 'ERR_INVALID_MODULE';

/** A canister or kernel bundle could not be built. */
export class BundlerError extends TincanError<BundlerErrorCode> {}
