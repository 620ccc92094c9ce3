/**
 * Exiting without losing output. `process.exit()` drops whatever stdout and stderr still hold
 * when they are pipes (the kernel takes 64 KiB, Node queues the rest), so the CLI first waits
 * until both streams have handed every byte to the OS.
 */

/** Resolves once everything written to `stream` so far has been flushed. */
export function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    // Writes complete in order: the callback of an empty write runs after all earlier ones.
    stream.write('', () => resolve());
  });
}

/** Flushes stdout and stderr, then exits with `code`. */
export async function exitAfterFlush(code: number): Promise<never> {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}
