/**
 * `tincan start`: a replica on the wall clock with its state in `<state-dir>/replica`, served
 * over the IC's HTTP interface. The HTTP keys (BLS root key, node key) are kept beside the state
 * (`http-keys.json`), so a restart on the same state directory serves the same root key,
 * canisters and state. The dashboard (`@tincan/dashboard`) is served at `/_/`, from the
 * replica's execution traces (`traces.sqlite` beside the state).
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { KEY_FILE_NAME, loadOrCreateKeys, startHttpServer, type HttpServer } from '@tincan/http';
import { Principal } from '@dfinity/principal';
import {
  Replica,
  Subnets,
  describeTimer,
  type RecoveryReport,
  type ReplicaOptions,
} from '@tincan/replica';
import { Relayer } from './bridge/relayer.js';
import { dashboardHandler } from '@tincan/dashboard';
import { CliError } from './cli-error.js';
import { cliIdentitySource } from './dashboard-identities.js';
import type { IdentityStore } from './identity-store.js';

/** Options of {@link startReplica}. */
export interface StartOptions {
  readonly port: number;
  readonly host: string;
  /** The state directory; the replica's files go in its `replica/` folder. */
  readonly stateDir: string;
  /** Start from empty state (and a new root key). */
  readonly clean: boolean;
  /** The wall-clock backstop for updates, in ms; 0 turns the backstop off. 5,000 by default. */
  readonly timeLimitMs?: number;
  /** The wall-clock backstop for queries and inspect_message, in ms; 1,000 by default. */
  readonly queryTimeLimitMs?: number;
  /** Receives each canister log line. */
  readonly onLog?: (line: string) => void;
  /** Executions whose traces the dashboard keeps; 10,000 by default. */
  readonly traceLimit?: number;
  /** How many subnets the replica hosts; 1 by default. Subnet 0 keeps `replica/`'s state and root key. */
  readonly subnets?: number;
  /** Runs a bridge relayer between the connector canisters (those with `bridge_deliver`) of every subnet. */
  readonly bridge?: boolean;
  /** The identities the dashboard's Candid UI may call as; `$TINCAN_HOME`'s by default. */
  readonly identities?: IdentityStore;
}

/** A running replica with its HTTP interface. */
export interface RunningReplica {
  readonly url: string;
  readonly replicaDir: string;
  readonly replica: Replica;
  readonly server: HttpServer;
  /** The subnets, when the replica hosts more than one (`replica` is subnet 0). */
  readonly subnets: Subnets | undefined;
  /** One line per subnet (id and canister range) when there are several; empty otherwise. */
  readonly topology: readonly string[];
  /**
   * What opening the state answered and dropped (open calls, timers), as lines to print; empty
   * when nothing was open. Each canister's log has the details too.
   */
  readonly recovery: readonly string[];
  /** Closes the server, then the replica (committed state stays on disk). */
  close(): Promise<void>;
}

/** Starts a replica and its HTTP server. */
export async function startReplica(options: StartOptions): Promise<RunningReplica> {
  const replicaDir = path.resolve(options.stateDir, 'replica');
  if (options.clean) rmSync(replicaDir, { recursive: true, force: true });
  mkdirSync(replicaDir, { recursive: true });
  const replicaOptions: ReplicaOptions = {
    stateDir: replicaDir,
    wallClockLimits:
      options.timeLimitMs === 0
        ? false
        : {
            ...(options.timeLimitMs !== undefined && { updateMs: options.timeLimitMs }),
            ...(options.queryTimeLimitMs !== undefined && { queryMs: options.queryTimeLimitMs }),
          },
    ...(options.onLog !== undefined && {
      onLog: (id, line) => options.onLog?.(`[${id.toText()}] ${line.message}`),
    }),
    traces: options.traceLimit === undefined ? true : { limit: options.traceLimit },
  };
  // Several subnets: subnet 0's key is the root key the HTTP layer keeps in its key file, so a
  // one-subnet state directory started with --subnets keeps its root key and canisters.
  const subnets =
    (options.subnets ?? 1) > 1
      ? await Subnets.create({
          ...replicaOptions,
          count: options.subnets ?? 1,
          rootKey: loadOrCreateKeys(path.join(replicaDir, KEY_FILE_NAME)).rootKey,
        })
      : undefined;
  const replica = subnets?.root ?? (await Replica.create(replicaOptions));
  const closeReplicas = (): Promise<void> =>
    subnets === undefined ? replica.close() : subnets.close();
  let server: HttpServer;
  try {
    server = await startHttpServer({
      replica,
      port: options.port,
      host: options.host,
      stateDir: replicaDir,
      requestHandler: dashboardHandler(replica, {
        stateDir: path.resolve(options.stateDir),
        identities: cliIdentitySource(options.identities),
        ...(subnets !== undefined && { subnets }),
      }),
      ...(subnets !== undefined && { subnets }),
    });
  } catch (err) {
    await closeReplicas();
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE')
      throw new CliError(
        'ERR_USAGE',
        `port ${options.port} on ${options.host} is in use (is another 'tincan start' running?); pass --port with a free port, or --port 0 for any`,
      );
    throw err;
  }
  const relayer =
    options.bridge === true
      ? await Relayer.create({
          host: server.url,
          connectors: () => bridgeConnectors(subnets?.subnets.map((s) => s.replica) ?? [replica]),
          ...(options.onLog !== undefined && { onLog: options.onLog }),
        })
      : undefined;
  relayer?.start();
  return {
    url: server.url,
    replicaDir,
    replica,
    server,
    subnets,
    topology: (subnets?.subnets ?? []).map((s) => {
      const [low, high] = s.ranges[0] ?? [];
      return `subnet ${s.index}: ${s.id.toText()}${low !== undefined && high !== undefined ? `, canisters ${Principal.fromUint8Array(low).toText()} … ${Principal.fromUint8Array(high).toText()}` : ''}`;
    }),
    recovery: (subnets?.subnets.map((s) => s.replica) ?? [replica]).flatMap((r) =>
      describeRecovery(r.runtime.recovery),
    ),
    close: async () => {
      await relayer?.stop();
      await server.close();
      await closeReplicas();
    },
  };
}

/** The bridge connectors of `replicas`: canisters whose interface has `bridge_deliver` (canisters/connector). */
export function bridgeConnectors(replicas: readonly Replica[]): Principal[] {
  return replicas.flatMap((r) =>
    r.runtime
      .canisters()
      .filter((c) => /\bbridge_deliver\b/.test(c.candid))
      .map((c) => Principal.fromUint8Array(c.id)),
  );
}

/** Lines saying what a restart answered and dropped; none when nothing was open. */
export function describeRecovery(report: RecoveryReport): string[] {
  const lines: string[] = [];
  if (report.rejectedContexts > 0 || report.lostCalls > 0 || report.unexecutedIngress > 0) {
    lines.push(
      `restart: ${report.rejectedContexts} call(s) that were waiting were answered with reject 5 (IC0506), ${report.lostCalls} call(s) in flight were settled (${report.refundedCycles} cycles refunded to their callers), ${report.unexecutedIngress} received call(s) that never ran were answered with reject 2`,
    );
  }
  for (const timer of report.droppedTimers)
    lines.push(
      `restart: dropped ${describeTimer(timer)} of canister ${Principal.fromUint8Array(timer.canisterId).toText()}`,
    );
  return lines;
}
