/**
 * Azle's `jsonStringify`/`jsonParse`: `JSON.stringify`/`JSON.parse` with the replacer and
 * reviver that keep `Principal`, `bigint`, `Uint8Array` and the rest of Azle's special values.
 */
import { jsonReplacer, jsonReviver } from './stable-json.js';

/** `JSON.stringify` with {@link jsonReplacer} unless another replacer is given. */
export function jsonStringify(
  value: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON.stringify's own replacer type (and Azle's)
  replacer?: (this: any, key: string, value: any) => any,
  space?: string | number,
): string {
  return JSON.stringify(value, replacer ?? jsonReplacer, space);
}

/** `JSON.parse` with {@link jsonReviver} unless another reviver is given; errors quote the text, as Azle's do. */
// Azle's signature: `any` results, so `const x: T = jsonParse(text)` compiles in Azle canisters.
/* eslint-disable @typescript-eslint/no-explicit-any */
export function jsonParse(
  text: string,
  reviver?: (this: any, key: string, value: any) => any,
): any {
  /* eslint-enable @typescript-eslint/no-explicit-any */
  try {
    return JSON.parse(text, reviver ?? jsonReviver);
  } catch (err) {
    throw new Error(
      `jsonParse: Error parsing JSON: ${err instanceof Error ? err.message : String(err)}. text: ${text}`,
    );
  }
}
