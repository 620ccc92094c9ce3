export { bytesEqual, compareBytes, concatBytes, encodeLeb128, startsWithBytes } from './bytes.js';
