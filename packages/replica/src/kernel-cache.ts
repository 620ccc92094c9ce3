import { randomBytes } from 'node:crypto';
import { bundleKernel } from '@tincan/bundler';
import { KERNEL_ENTRY, compileKernel, type CompiledKernel } from '@tincan/runtime';

let kernel: Promise<CompiledKernel> | undefined;

/**
 * The compiled kernel, bundled once per process and shared by every replica in it. Its secret
 * (the name under which the host's op scripts reach the kernel) is random per process, so
 * canister code cannot name it.
 */
export function loadKernel(): Promise<CompiledKernel> {
  kernel ??= bundleKernel(KERNEL_ENTRY).then((source) =>
    compileKernel(source, randomBytes(16).toString('hex')),
  );
  return kernel;
}
