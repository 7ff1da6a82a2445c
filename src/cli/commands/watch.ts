import type { Logger } from 'pino';
import { systemClock } from '../../clock/clock.js';
import type { LoadedConfig } from '../../config/types.js';
import { tapApiErrors } from '../../daemon/api-error-tap.js';
import { createApiReachability, type ApiReachability } from '../../daemon/api-reachability.js';
import type { StatusServer } from '../../daemon/http-server.js';
import { createHeapCompactor, type HeapCompactor } from '../../daemon/heap-compaction.js';
import { createLoopHeartbeat, type LoopHeartbeat } from '../../daemon/loop-heartbeat.js';
import { createDaemonMetrics, type DaemonMetrics } from '../../daemon/metrics.js';
import type { Engine } from '../../engine/create-engine.js';
import type { SensayClient } from '../../sensay/client.js';
import type { SensayApiError } from '../../sensay/errors.js';
import { createDaemon, type Daemon, type DaemonExit, type DaemonObserver } from '../../engine/daemon.js';
import { openConsole } from '../../console/open-console.js';
import type { Store } from '../../store/index.js';
import { watchRequests } from '../requests-watch.js';
import { createSourceWatcher, type SourceWatcher } from '../../watchers/index.js';
import { openCommandContext, requireSecret } from '../command-context.js';
import { describeError } from '../error-exit.js';
import { ExitCode, type CliIo } from '../io.js';
import type { CliContext } from '../main.js';
import { openEngine } from '../open-engine.js';
import { createLifecycleView, createProgressView, type LifecycleView, type ProgressView } from '../present/progress-view.js';
import { terminalViews } from '../present/terminal-views.js';
import { serveStatus, statusLines } from './watch-status.js';

export type WatchFlags = { config?: string; quiet?: boolean; verbose?: boolean };

export interface WatchOptions {
  /** The demo: one line per document state change wherever stdout goes, and a free port for
   * /healthz when `daemon.port` is taken. Default: off. */
  readonly demo?: boolean;
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
  const metrics = createDaemonMetrics({ processMetrics: config.daemon.port !== 0 });
  const reachability = createApiReachability(systemClock);
  const { engine, store, clock } = await openEngine(config, secret, log, { wrapApi: apiTap(metrics, reachability), env: ctx.env });
  let watcher: SourceWatcher | undefined;
  let server: StatusServer | undefined;
  try {
    watcher = createSourceWatcher({ sources: config.sources, awaitWriteFinishMs: config.daemon.awaitWriteFinishMs, log });
    const closeWatcher = () => void watcher?.close();
    stop.addEventListener('abort', closeWatcher, { once: true });
    await watcher.whenReady();
    const heartbeat = createLoopHeartbeat(systemClock);
    const startedAt = systemClock.now();
    // The console's actions wake the daemon made below (it does not exist while the server starts).
    const made: { daemon?: Daemon } = {};
    const hooks = { scanNow: () => made.daemon?.scanNow(), jobsNow: () => made.daemon?.jobsNow() };
    const consoleHandler = config.daemon.port === 0 ? undefined : await openConsole({ config, store, clock, log, daemon: hooks });
    server = await serveStatus({ config, log, io: ctx.io, metrics, engine, heartbeat, reachability, startedAt, portFallback: Boolean(options.demo), console: consoleHandler });
    if (!flags.quiet) banner(ctx.io, config, server);

    const views = terminalViews({ stdoutIsTTY: ctx.io.isTTY, quiet: flags.quiet, demo: options.demo });
    const lifecycle = views.documentLines ? createLifecycleView(ctx.io, () => store.listDocuments()) : undefined;
    await lifecycle?.baseline().catch(() => undefined);
    const daemon = createDaemon({
      engine,
      clock,
      log,
      options: { pollIntervalMs: config.status.pollIntervalSeconds * 1000, rescanIntervalMs: config.daemon.rescanMinutes * 60_000 },
      observer: observerFor(metrics, heartbeat, views.progressLine ? createProgressView(ctx.io) : undefined, lifecycle, createHeapCompactor(systemClock, log.child({ component: 'daemon' }))),
    });
    made.daemon = daemon;
    watcher.on('change', (event) => daemon.notify(event));
    // A source taken over (or given back) changes what the next pass scans: scan now.
    engine.host.onChange(() => daemon.notify());
    watcher.on('error', () => undefined);
    const loopDone = new AbortController();
    const requestDeps = {
      store,
      clock,
      notify: () => daemon.notify(),
      scanNow: () => daemon.scanNow(),
      jobsNow: () => daemon.jobsNow(),
      onError: (err: unknown) => log.warn({ err }, 'could not read the requests recorded in the state store'),
    };
    const approvals = watchRequests(requestDeps, AbortSignal.any([stop, loopDone.signal]));
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

/** Every API call's outcome feeds the error metrics and the reachability `/readyz` reads. */
function apiTap(metrics: DaemonMetrics, reachability: ApiReachability): (api: SensayClient) => SensayClient {
  const failed = (error: SensayApiError) => {
    metrics.recordApiError(error);
    reachability.failed(error);
  };
  return (api) => tapApiErrors(api, failed, () => reachability.answered());
}

/**
 * What the daemon's loop feeds: metrics, the liveness heartbeat (rounds and progress within
 * them), the views, and the heap compactor (a full collection once parked after a large pass).
 */
export function observerFor(
  metrics: DaemonMetrics,
  heartbeat: LoopHeartbeat,
  view: ProgressView | undefined,
  lifecycle: LifecycleView | undefined,
  compactor?: HeapCompactor,
): DaemonObserver {
  return {
    roundStarting() {
      heartbeat.roundStarting();
      compactor?.woke();
    },
    progress: () => heartbeat.progress(),
    sleeping(until) {
      heartbeat.sleeping(until);
      compactor?.parked(until);
    },
    pass(report) {
      compactor?.passFinished(report.counts.scanned);
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

function banner(io: CliIo, config: LoadedConfig, server: StatusServer | undefined): void {
  io.out(`Watching ${config.sources.length} source${config.sources.length === 1 ? '' : 's'}:`);
  for (const source of config.sources) io.out(`  ${source.name}  ${source.path}  → replica ${source.replicaUUID}`);
  io.out(statusLines(server));
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
  if (exit.stoppedBy === 'config') {
    io.err(describeError(exit.error));
    return ExitCode.USAGE;
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
async function closeWithin(store: Store, engine: Engine, log: Logger): Promise<void> {
  const cancel = new AbortController();
  const timedOut = systemClock.sleep(CLOSE_GRACE_MS, cancel.signal).then(() => true, () => false);
  const late = await Promise.race([engine.close().then(() => false), timedOut]);
  cancel.abort();
  if (late) {
    log.warn('closing the API client took too long; closing the store and exiting');
    await store.close();
  }
}
