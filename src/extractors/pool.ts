/**
 * The production Extractor: a pool of child processes, one file at a time each. A child gets a
 * V8 heap limit and the parent samples its RSS (pdf.js allocates outside the heap); a file that
 * runs past its time or memory bound, or crashes its worker, gets TIMEOUT or TOO_COMPLEX, the
 * worker is replaced, and the other tasks carry on. Child processes rather than worker threads
 * because only a process can be killed mid-parse with its native memory reclaimed.
 *
 * Workers are lean: they start when work is queued (up to `workers`; all of them at once for a file
 * big enough to be split across them), and exit after `idleSeconds` without work. A worker that
 * fails to start (exits, or hangs past `startTimeoutMs` and is killed) is logged with its stderr
 * and further starts back off (1 s → 1 min); while no worker runs, queued files are answered
 * WORKER_UNAVAILABLE.
 *
 * The parts: pool-fleet (the set of workers: start on demand, answer, replace, retire, close),
 * pool-spawn (a process and its events), pool-supervise (bounds, crashes, idling, start backoff),
 * pool-dispatch (the queue, PDF page-range splitting).
 */
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock/clock.js';
import type { Extraction, ExtractLimits, ExtractOptions, Extractor } from './extraction.js';
import type { PdfEngine } from './pdf-engine.js';
import type { SplitRule } from './pdf-split.js';
import { definedOnly, normaliseOptions } from './pool-config.js';
import type { Validation } from './validation.js';
import { WorkerFleet } from './pool-fleet.js';
import { PoolClosedError, type PoolStats } from './pool-types.js';
import { forkWorker, type ForkWorker } from './worker-process.js';

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
  const fleet = new WorkerFleet({
    config,
    log: options.log.child({ component: 'extractors' }),
    clock: options.clock ?? systemClock,
    fork: options.fork ?? forkWorker,
  });
  const close = () => fleet.close();
  return {
    extract(path: string, opts?: ExtractOptions): Promise<Extraction> {
      if (fleet.closed) return Promise.reject(new PoolClosedError());
      const { expected, ...limits } = opts ?? {};
      return fleet.dispatcher.extract({ path, limits: { ...config.limits, ...definedOnly(limits) }, expected });
    },
    validate(path: string, opts?: ExtractOptions): Promise<Validation> {
      if (fleet.closed) return Promise.reject(new PoolClosedError());
      const { expected, ...limits } = opts ?? {};
      return fleet.dispatcher.validate({ path, limits: { ...config.limits, ...definedOnly(limits) }, expected });
    },
    close,
    stats: () => ({ ...fleet.stats }),
    workerPids: () => fleet.pids(),
    [Symbol.asyncDispose]: close,
  };
}
