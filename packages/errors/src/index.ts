export { TincanError, ensureError } from './tincan-error.js';
