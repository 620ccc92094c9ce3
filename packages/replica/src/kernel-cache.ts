import { bundleKernel } from '@tincan/bundler';
import { KERNEL_ENTRY, compileKernel, type CompiledKernel } from '@tincan/runtime';

let kernel: Promise<CompiledKernel> | undefined;

/** The compiled kernel, bundled once per process and shared by every replica in it. */
export function loadKernel(): Promise<CompiledKernel> {
  kernel ??= bundleKernel(KERNEL_ENTRY).then(compileKernel);
  return kernel;
}
