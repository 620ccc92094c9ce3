import { fileURLToPath } from 'node:url';

const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';

/**
 * Path of the kernel's entry module, for the bundler. The kernel runs inside every sandbox, so
 * it is bundled (with cbor-x) separately from the host code; from sources or from dist alike.
 */
export const KERNEL_ENTRY = fileURLToPath(new URL(`../kernel/entry.${ext}`, import.meta.url));
