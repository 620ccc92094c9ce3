// Lint rules that matter in an async runtime (no floating or misused promises) and
// typescript-eslint's type-checked recommended rules, for every TypeScript file we write:
// package sources, tests (which type their actors), benches and scripts.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.turbo/**',
      'coverage/**',
      'test/azle/not-portable/**',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'off',
      // A leading underscore marks a parameter kept for its position (a callback's signature).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Generated from the .did files by idl-gen (do not edit): Candid's empty record is `{}`, the
    // type agents and Azle give it, and canister code written against Azle passes `{}` for it.
    files: ['packages/cdk/src/canisters/*/idl.ts'],
    rules: { '@typescript-eslint/no-empty-object-type': 'off' },
  },
  {
    // The kernel runs beside canister code that may replace any global or prototype method: it
    // captures built-ins unbound at load and calls them through an uncurried `call` (which
    // `unbound-method` cannot see), and its hot wrappers take fixed parameters and forward
    // `arguments` so a call keeps its exact argument count without allocating a rest array.
    files: ['packages/runtime/src/kernel/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      'prefer-rest-params': 'off',
    },
  },
);
