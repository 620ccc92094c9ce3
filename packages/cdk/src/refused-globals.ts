/**
 * Host globals Azle's stable mode refuses. On Azle, touching one throws its "experimental mode"
 * error; on tincan they do not exist in the sandbox either, and throwing the same error (rather
 * than leaving them undefined) makes a canister fail the same way on both. Imported by the CDK
 * entry for its side effect, before any canister code runs.
 */
const REFUSED = [
  'fetch',
  'Buffer',
  'window',
  'global',
  'self',
  'URL',
  'WebAssembly',
  'setTimeout',
  'clearTimeout',
] as const;

/** Azle's message for a refused global, character for character. */
export function refusedGlobalMessage(name: string): string {
  return `Azle: experimental mode must be enabled to use global ${name}. You can enable experimental mode in your dfx.json file like this:
{
    "canisters": {
        "canisterName": {
            "type": "azle",
            "main": "index.ts",
            "custom": {
                "experimental": true
            }
        }
    }
}
`;
}

for (const name of REFUSED) {
  Object.defineProperty(globalThis, name, {
    get(): never {
      throw new Error(refusedGlobalMessage(name));
    },
    configurable: true,
  });
}
