export { TincanError, ensureError, isTincanError } from './tincan-error.js';
