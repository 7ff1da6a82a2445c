import type { Logger } from 'pino';
import { systemClock } from '../../clock/clock.js';
import { ConfigError } from '../../config/errors.js';
import type { LoadedConfig } from '../../config/types.js';
import { tapApiErrors } from '../../daemon/api-error-tap.js';
import { startStatusServer, type StatusServer } from '../../daemon/http-server.js';
import { createDaemonMetrics, type DaemonMetrics } from '../../daemon/metrics.js';
import type { Engine } from '../../engine/create-engine.js';
import { createDaemon, type DaemonExit, type DaemonObserver } from '../../engine/daemon.js';
import type { SqliteStore } from '../../store/index.js';
import { watchApprovals } from '../approval-watch.js';
import { createSourceWatcher, type SourceWatcher } from '../../watchers/index.js';
import { openCommandContext, requireSecret } from '../command-context.js';
import { describeError } from '../error-exit.js';
import { ExitCode, type CliIo } from '../io.js';
import type { CliContext } from '../main.js';
import { openEngine } from '../open-engine.js';
import { createLifecycleView, createProgressView, type LifecycleView } from '../present/progress-view.js';

export type WatchFlags = { config?: string; quiet?: boolean; verbose?: boolean };

export interface WatchOptions {
  /** Print one line per document state change (the demo). Default: off. */
  readonly lifecycle?: boolean;
  /** Serve /healthz and /metrics on a free port even when `daemon.port` is 0 (the demo). */
  readonly statusOnFreePort?: boolean;
}

/** How long the job in hand may take to finish after Ctrl-C before it is abandoned to its lease. */
const STOP_GRACE_MS = 6000;
/** How long closing the pool, client and store may take: the process exits within 10 s. */
const CLOSE_GRACE_MS = 2500;

/**
 * `watch`: the drop-folder daemon. Watches every source, runs the engine as files arrive, within
 * the budget, polling while entries are in flight, until Ctrl-C (exit 0) or a refused credential
 * (exit 3). Closes in order: watcher, the loop (job in hand), HTTP server, pool, client, store.
 */
export async function runWatchCommand(flags: WatchFlags, ctx: CliContext, options: WatchOptions = {}): Promise<number> {
  const { config, secret: maybeSecret, log } = openCommandContext(flags, ctx);
  const secret = requireSecret(maybeSecret);
  const stop = ctx.stopSignal ?? new AbortController().signal;
  // Process metrics sample the event loop continuously: only worth it when someone can scrape them.
  const metrics = createDaemonMetrics({ processMetrics: config.daemon.port !== 0 || Boolean(options.statusOnFreePort) });
  const { engine, store, api } = await openEngine(config, secret, log, { wrapApi: (api) => tapApiErrors(api, (e) => metrics.recordApiError(e)) });
  let watcher: SourceWatcher | undefined;
  let server: StatusServer | undefined;
  try {
    watcher = createSourceWatcher({ sources: config.sources, awaitWriteFinishMs: config.daemon.awaitWriteFinishMs, log });
    const closeWatcher = () => void watcher?.close();
    stop.addEventListener('abort', closeWatcher, { once: true });
    await watcher.whenReady();
    const startedAt = systemClock.now();
    server = await serveStatus(config, log, metrics, engine, startedAt, options);
    if (!flags.quiet) banner(ctx.io, config, server);

    const lifecycle = options.lifecycle ? createLifecycleView(ctx.io, () => store.listDocuments()) : undefined;
    const daemon = createDaemon({
      engine,
      clock: systemClock,
      log,
      options: { pollIntervalMs: config.status.pollIntervalSeconds * 1000, rescanIntervalMs: config.daemon.rescanMinutes * 60_000 },
      checkAccess: async (signal) => {
        for (const replicaUUID of new Set(config.sources.map((source) => source.replicaUUID))) await api.countEntries(replicaUUID, {}, { signal });
      },
      observer: observerFor(metrics, ctx.io, Boolean(ctx.io.isTTY && !flags.quiet && !options.lifecycle), lifecycle),
    });
    watcher.on('change', (event) => daemon.notify(event));
    watcher.on('error', () => undefined);
    const loopDone = new AbortController();
    const approvalDeps = { store, clock: systemClock, notify: () => daemon.notify(), onError: (err: unknown) => log.warn({ err }, 'could not read delete approvals') };
    const approvals = watchApprovals(approvalDeps, AbortSignal.any([stop, loopDone.signal]));
    const exit = await untilStoppedOrGrace(daemon.run(stop), stop);
    loopDone.abort();
    await approvals;
    stop.removeEventListener('abort', closeWatcher);
    await lifecycle?.settled();
    return report(exit, ctx.io, log);
  } finally {
    await watcher?.close();
    await server?.close();
    await closeWithin(store, engine, log);
  }
}

function observerFor(metrics: DaemonMetrics, io: CliIo, progress: boolean, lifecycle: LifecycleView | undefined): DaemonObserver {
  const view = progress ? createProgressView(io) : undefined;
  return {
    pass(report) {
      metrics.recordPass();
      view?.scanned(report.counts.scanned);
      lifecycle?.refresh();
    },
    jobs: (run) => metrics.recordJobs(run),
    poll: (poll, at) => metrics.recordPoll(poll, at),
    round(summary) {
      view?.update(summary);
      lifecycle?.refresh();
    },
  };
}

async function serveStatus(
  config: LoadedConfig,
  log: Logger,
  metrics: DaemonMetrics,
  engine: Engine,
  startedAt: number,
  options: WatchOptions,
): Promise<StatusServer | undefined> {
  const { port, host } = config.daemon;
  if (port === 0 && !options.statusOnFreePort) return undefined;
  try {
    return await startStatusServer({ port, host, clock: systemClock, log, startedAt, summary: () => engine.summary(), metrics });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EADDRNOTAVAIL' && code !== 'EACCES') throw error;
    throw new ConfigError({
      code: 'CONFIG_INVALID',
      summary: 'Cannot serve /healthz and /metrics.',
      issues: [`daemon.port: ${host}:${port} is not available (${code}); choose another port, or 0 to serve nothing`],
      configPath: config.configPath,
    });
  }
}

function banner(io: CliIo, config: LoadedConfig, server: StatusServer | undefined): void {
  io.out(`Watching ${config.sources.length} source${config.sources.length === 1 ? '' : 's'}:`);
  for (const source of config.sources) io.out(`  ${source.name}  ${source.path}  → replica ${source.replicaUUID}`);
  if (server) io.out(`Health: ${server.url}/healthz  Metrics: ${server.url}/metrics`);
  io.out('Press Ctrl-C to stop.');
}

function report(exit: DaemonExit | 'abandoned', io: CliIo, log: Logger): number {
  if (exit === 'abandoned') {
    log.warn('the job in hand did not finish in time; it is abandoned to its lease and picked up by the next run');
    return ExitCode.OK;
  }
  if (exit.stoppedBy === 'auth') {
    io.err(describeError(exit.error));
    io.err('The API refused the organisation secret: check SENSAY_ORGANIZATION_SECRET (or api.organizationSecretFile).');
    return ExitCode.AUTH;
  }
  return ExitCode.OK;
}

/** The loop's own result, unless it is still busy `STOP_GRACE_MS` after the stop signal. */
async function untilStoppedOrGrace(done: Promise<DaemonExit>, stop: AbortSignal): Promise<DaemonExit | 'abandoned'> {
  const cancel = new AbortController();
  const grace = new Promise<'abandoned'>((resolve) => {
    const start = () => systemClock.sleep(STOP_GRACE_MS, cancel.signal).then(() => resolve('abandoned'), () => undefined);
    if (stop.aborted) start();
    else stop.addEventListener('abort', start, { once: true });
  });
  try {
    return await Promise.race([done, grace]);
  } finally {
    cancel.abort();
  }
}

/** Closes the pool, client and store; a connection that will not let go is left to process exit. */
async function closeWithin(store: SqliteStore, engine: Engine, log: Logger): Promise<void> {
  const cancel = new AbortController();
  const timedOut = systemClock.sleep(CLOSE_GRACE_MS, cancel.signal).then(() => true, () => false);
  const late = await Promise.race([engine.close().then(() => false), timedOut]);
  cancel.abort();
  if (late) {
    log.warn('closing the API client took too long; closing the store and exiting');
    await store.close();
  }
}
