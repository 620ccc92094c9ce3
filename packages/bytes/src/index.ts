export {
  bytesEqual,
  compareBytes,
  concatBytes,
  encodeLeb128,
  fromHex,
  startsWithBytes,
  toHex,
} from './bytes.js';
