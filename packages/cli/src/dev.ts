/**
 * `tincan dev`: deploys the project, then watches each canister's source folder and upgrades a
 * canister when a file in it changes, one line per redeploy with the time it took. A bundling
 * error is printed and the canister keeps its running code.
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Principal } from '@dfinity/principal';
import { ensureError } from '@tincan/errors';
import { createCanisters, installCanister, selectCanisters, type DeployOptions } from './deploy.js';
import type { ProjectCanister } from './project.js';

/** A running watch; `close()` stops it. */
export interface DevSession {
  close(): Promise<void>;
}

/** Deploys, then redeploys on every source change until closed. */
export async function startDev(
  options: DeployOptions,
  out: (line: string) => void,
): Promise<DevSession> {
  const selected = selectCanisters(options.projectDir, options.name, options.argument);
  const ids = await createCanisters(selected, options);
  const { Replica } = await import('@tincan/replica');
  const inspector = await Replica.create();
  const quiet: DeployOptions = { ...options, log: () => undefined };
  const deployOne = async (canister: ProjectCanister, why: string): Promise<void> => {
    const started = performance.now();
    try {
      const result = await installCanister(
        canister,
        ids.get(canister.name) as Principal,
        { ...quiet, argument: canister.name === options.name ? options.argument : undefined },
        inspector,
      );
      const what =
        result.mode === 'unchanged'
          ? 'unchanged'
          : `${result.mode === 'install' ? 'installed' : result.mode === 'reinstall' ? 'reinstalled' : 'upgraded'}`;
      out(
        `${new Date().toLocaleTimeString()} ${canister.name}: ${what} in ${(performance.now() - started).toFixed(0)} ms (${why})`,
      );
    } catch (err) {
      out(
        `${new Date().toLocaleTimeString()} ${canister.name}: not redeployed, it keeps its running code: ${ensureError(err).message}`,
      );
    }
  };
  for (const canister of selected) await deployOne(canister, 'start');

  // One redeploy at a time per canister; changes during a redeploy queue one more.
  const state = new Map<
    string,
    {
      running: Promise<void> | undefined;
      again: string | undefined;
      timer: NodeJS.Timeout | undefined;
    }
  >();
  const schedule = (canister: ProjectCanister, file: string): void => {
    const s = state.get(canister.name) ?? {
      running: undefined,
      again: undefined,
      timer: undefined,
    };
    state.set(canister.name, s);
    clearTimeout(s.timer);
    s.timer = setTimeout(() => {
      if (s.running !== undefined) {
        s.again = file;
        return;
      }
      const run = async (why: string): Promise<void> => {
        await deployOne(canister, why);
        const next = s.again;
        s.again = undefined;
        if (next !== undefined) await run(`${next} changed`);
      };
      s.running = run(`${file} changed`).finally(() => (s.running = undefined));
    }, 50); // editors write a file in several steps
  };
  const watchers: FSWatcher[] = selected.map((canister) => {
    const dir = path.dirname(canister.main);
    return watch(dir, { recursive: true }, (_event, file) => {
      if (file === null || !/\.(ts|tsx|js|mjs|cjs|mts|cts|json)$/.test(file)) return;
      schedule(canister, path.relative(options.projectDir, path.join(dir, file)));
    });
  });
  out(
    `watching ${selected.map((c) => path.relative(options.projectDir, path.dirname(c.main)) || '.').join(', ')} (Ctrl-C stops)`,
  );
  return {
    close: async () => {
      for (const w of watchers) w.close();
      for (const s of state.values()) {
        clearTimeout(s.timer);
        await s.running;
      }
      await inspector.close();
    },
  };
}
