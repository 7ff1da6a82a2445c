/**
 * The production Extractor: a pool of child processes, one file at a time each. A child gets a
 * V8 heap limit and the parent samples its RSS (pdf.js allocates outside the heap); a file that
 * runs past its time or memory bound, or crashes its worker, gets TIMEOUT or TOO_COMPLEX, the
 * worker is replaced, and the other tasks carry on. Child processes rather than worker threads
 * because only a process can be killed mid-parse with its native memory reclaimed.
 *
 * Workers are lean: they start when work is queued (up to `workers`), and exit after `idleSeconds`
 * without work. A worker that fails to start (exits, or hangs past `startTimeoutMs` and is killed)
 * is logged with its stderr and further starts back off (1 s → 1 min); while no worker runs,
 * queued files are answered WORKER_UNAVAILABLE.
 *
 * The parts: pool-spawn (a process and its events), pool-supervise (bounds, crashes, idling,
 * start backoff), pool-dispatch (the queue, PDF page-range splitting).
 */
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock/clock.js';
import { reject, type Extraction, type ExtractLimits, type ExtractOptions, type Extractor } from './extraction.js';
import type { PdfEngine } from './pdf-engine.js';
import type { SplitRule } from './pdf-split.js';
import { definedOnly, normaliseOptions } from './pool-config.js';
import type { Validation } from './validation.js';
import { Dispatcher } from './pool-dispatch.js';
import { hasExited, killWorker, spawnWorker } from './pool-spawn.js';
import { crashVerdict, settle, Supervisor } from './pool-supervise.js';
import { PoolClosedError, type PoolStats, type WorkerSlot } from './pool-types.js';
import { forkWorker, type ForkWorker } from './worker-process.js';
import type { WorkerMessage } from './worker-protocol.js';

export { PoolClosedError, type PoolStats } from './pool-types.js';

export type ExtractorPoolOptions = Partial<ExtractLimits> & {
  /** Most worker processes at once; default one per core. */
  workers?: number;
  /** Per-file time limit, default 60 s. */
  taskTimeoutMs?: number;
  /** Per-worker memory bound (RSS, and the V8 heap limit), default 1024 MiB. */
  maxWorkerMemoryMb?: number;
  /** How often a busy worker's RSS is sampled, default 50 ms. */
  sampleIntervalMs?: number;
  /** A worker without work exits after this long, default 30 s. */
  idleSeconds?: number;
  /**
   * A worker that has not said ready this long after it was started is killed and counted as a
   * failed start (with the start backoff), default 60 s.
   */
  startTimeoutMs?: number;
  /**
   * Which PDFs are extracted page-parallel across workers (default ≥ 2 MiB and ≥ 50 pages);
   * false turns it off. Never with one worker.
   */
  pdfSplit?: Partial<SplitRule> | false;
  /** Which engine reads PDFs (default PDFium with pdf.js as fallback; see pdf-engine.ts). */
  pdfEngine?: PdfEngine;
  log: Logger;
  clock?: Clock;
  /** How a worker process is started (default: fork worker.js with an empty environment). */
  fork?: ForkWorker;
};

export type ExtractorPool = Extractor & {
  close(): Promise<void>;
  stats(): PoolStats;
  /** Worker processes alive now (starting, ready or busy). */
  workerPids(): number[];
  [Symbol.asyncDispose](): Promise<void>;
};

export function createExtractorPool(options: ExtractorPoolOptions): ExtractorPool {
  const config = normaliseOptions(options);
  const log = options.log.child({ component: 'extractors' });
  const clock = options.clock ?? systemClock;
  const fork = options.fork ?? forkWorker;
  const slots = new Set<WorkerSlot>();
  const stats: PoolStats = { peakWorkerRssBytes: 0, workersStarted: 0, startFailures: 0, idleExits: 0, tasks: 0, splitFiles: 0 };
  const supervisor = new Supervisor({ config, clock, log, stats });
  let closed = false;
  let lastStartFailure = '';

  const dispatcher: Dispatcher = new Dispatcher({
    config,
    slots,
    stats,
    log,
    started: (slot, task) => void supervisor.watch(slot, task),
    demand: () => grow(),
  });

  const spawn = (): void => {
    stats.workersStarted++;
    const slot = spawnWorker(fork, config.maxWorkerMemoryMb, { onMessage, onExit }, log);
    slots.add(slot);
    supervisor.awaitStart(slot, startTimedOut);
  };

  /** Starts workers for queued work nobody free can take, within `workers` and the start backoff. */
  const grow = (): void => {
    if (closed) return;
    const live = [...slots].filter((s) => s.state !== 'dying');
    const free = live.filter((s) => !s.task).length;
    const wanted = Math.min(config.workers - live.length, dispatcher.queue.length - free);
    if (wanted <= 0) return;
    if (!supervisor.startsBlocked()) {
      for (let i = 0; i < wanted; i++) spawn();
    } else if (live.length === 0) {
      dispatcher.answerQueued(
        reject('WORKER_UNAVAILABLE', `no extraction worker could start (${lastStartFailure}); check the installation (node version, npm ci) and the log; the file is examined again on a later pass`),
      );
    }
  };

  const idleOrNext = (slot: WorkerSlot): void => {
    dispatcher.dispatch();
    if (!slot.task && slot.state === 'ready') supervisor.idle(slot, retire);
  };

  const retire = (slot: WorkerSlot): void => {
    stats.idleExits++;
    slot.state = 'dying';
    slot.child.kill('SIGTERM');
  };

  const onMessage = (slot: WorkerSlot, message: WorkerMessage): void => {
    if (message.type === 'ready') {
      if (slot.state !== 'starting') return;
      slot.state = 'ready';
      supervisor.started(slot);
      supervisor.startSucceeded();
      return idleOrNext(slot);
    }
    const task = slot.task;
    if (!task || task.id !== message.id || slot.settled) return;
    if (message.warnings.length) log.debug({ path: task.path, warnings: message.warnings }, 'parser warnings');
    settle(slot, message.type === 'result' ? message.extraction : message.part, message.warnings);
    idleOrNext(slot);
  };

  const onExit = (slot: WorkerSlot, code: number | null, signal: NodeJS.Signals | null): void => {
    slots.delete(slot);
    slot.idle?.abort();
    supervisor.started(slot);
    if (slot.state === 'starting' && !closed) startFailed(slot, `exit ${code ?? signal ?? 'before start'}`, { code, signal });
    if (slot.task && !slot.settled) {
      log.warn({ path: slot.task.path, code, signal }, 'extractor worker died');
      settle(slot, crashVerdict(slot, code, signal, config.maxWorkerMemoryMb));
    }
    if (!closed) {
      dispatcher.dispatch();
      grow();
    }
  };

  /** Not ready after `startTimeoutMs`: a failed start like an exit; its exit comes later, as `dying`. */
  const startTimedOut = (slot: WorkerSlot): void => {
    startFailed(slot, `no ready signal within ${config.startTimeoutMs / 1000} s (killed)`, { timedOut: true });
    killWorker(slot);
  };

  const startFailed = (slot: WorkerSlot, what: string, fields: Record<string, unknown>): void => {
    stats.startFailures++;
    const retryInMs = supervisor.startFailed();
    const stderr = slot.stderrTail.trim();
    const lastLine = stderr.split('\n').pop()?.slice(0, 200) ?? '';
    lastStartFailure = `${what}${lastLine ? `: ${lastLine}` : ''}`;
    log.error({ ...fields, stderr: stderr.slice(-2000), retryInMs }, 'extraction worker failed to start; next start after a backoff');
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    dispatcher.failQueued(new PoolClosedError());
    const exits = [...slots].map((slot) => {
      slot.idle?.abort();
      supervisor.started(slot);
      if (slot.task && !slot.settled) {
        slot.settled = true;
        slot.abort?.abort();
        slot.task.reject(new PoolClosedError());
      }
      return new Promise<void>((resolve) => {
        if (hasExited(slot) || slot.child.pid === undefined) return resolve();
        slot.child.once('exit', () => resolve());
        slot.state = 'dying';
        slot.child.kill('SIGKILL');
      });
    });
    await Promise.all(exits);
  };

  return {
    extract(path: string, opts?: ExtractOptions): Promise<Extraction> {
      if (closed) return Promise.reject(new PoolClosedError());
      const { expected, ...limits } = opts ?? {};
      return dispatcher.extract({ path, limits: { ...config.limits, ...definedOnly(limits) }, expected });
    },
    validate(path: string, opts?: ExtractOptions): Promise<Validation> {
      if (closed) return Promise.reject(new PoolClosedError());
      const { expected, ...limits } = opts ?? {};
      return dispatcher.validate({ path, limits: { ...config.limits, ...definedOnly(limits) }, expected });
    },
    close,
    stats: () => ({ ...stats }),
    workerPids: () => [...slots].flatMap((s) => (s.child.pid !== undefined && !hasExited(s) ? [s.child.pid] : [])),
    [Symbol.asyncDispose]: close,
  };
}
