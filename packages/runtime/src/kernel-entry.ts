import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

/**
 * Path of the kernel's entry module, for the bundler. The kernel runs inside every sandbox, so
 * it is bundled (with cbor-x) separately from the host code; from sources or from dist alike.
 */
export const KERNEL_ENTRY = here.replace(/kernel-entry\.(ts|js)$/, (_m, ext: string) => `kernel/entry.${ext}`);
