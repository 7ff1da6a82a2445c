/**
 * The production Extractor: a pool of child processes, one file at a time each. A child gets a
 * V8 heap limit and the parent samples its RSS (pdf.js allocates outside the heap); a file that
 * runs past its time or memory bound, or crashes its worker, gets TIMEOUT or TOO_COMPLEX, the
 * worker is replaced, and the other tasks carry on. Child processes rather than worker threads
 * because only a process can be killed mid-parse with its native memory reclaimed.
 *
 * A large PDF is extracted page-parallel: the worker that opens it answers with a plan (page
 * count, hash) instead of text, and its page ranges go to the front of the queue, one per idle
 * worker. Each part has the same time and memory bounds as a file; the first failing part fails
 * the file with its reason. The parts' texts are joined and normalised here, in page order.
 */
import type { ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock/clock.js';
import { formatBytes } from './detect.js';
import { reject, type Extraction, type ExtractLimits, type ExtractOptions, type Extractor, type Rejected } from './extraction.js';
import type { PdfRange } from './pdf.js';
import { isSplitPlan, joinParts, partFailure, planRanges, type PdfPartResult, type PdfSplitPlan, type SplitRule } from './pdf-split.js';
import { definedOnly, normaliseOptions } from './pool-config.js';
import { readRssBytes } from './process-memory.js';
import { changedSince } from './read-once.js';
import type { ReadDepth, Validation } from './validation.js';
import { forkWorker } from './worker-process.js';
import { isWorkerMessage, type TaskMessage, type WorkerMessage } from './worker-protocol.js';

export type ExtractorPoolOptions = Partial<ExtractLimits> & {
  /** Worker processes; default one per core. */
  workers?: number;
  /** Per-file time limit, default 60 s. */
  taskTimeoutMs?: number;
  /** Per-worker memory bound (RSS, and the V8 heap limit), default 1024 MiB. */
  maxWorkerMemoryMb?: number;
  /** How often a busy worker's RSS is sampled, default 50 ms. */
  sampleIntervalMs?: number;
  /**
   * Which PDFs are extracted page-parallel across idle workers (default ≥ 2 MiB and ≥ 50 pages);
   * false turns it off. Never with one worker.
   */
  pdfSplit?: Partial<SplitRule> | false;
  log: Logger;
  clock?: Clock;
};

export type PoolStats = {
  peakWorkerRssBytes: number;
  workersStarted: number;
  /** Tasks sent to workers: one per file, plus one per part of a split PDF. */
  tasks: number;
  /** PDFs extracted page-parallel. */
  splitFiles: number;
};

export type ExtractorPool = Extractor & {
  close(): Promise<void>;
  stats(): PoolStats;
  [Symbol.asyncDispose](): Promise<void>;
};

type Job = { type: 'extract'; split?: SplitRule; depth?: ReadDepth } | { type: 'extract-part'; range: PdfRange; sha256: string };
type Reply = Extraction | Validation | PdfSplitPlan | PdfPartResult;
type Settled = { reply: Reply; warnings: string[] };

type Task = {
  id: number;
  path: string;
  limits: ExtractLimits;
  job: Job;
  resolve: (settled: Settled) => void;
  reject: (error: Error) => void;
};

type Slot = { child: ChildProcess; ready: boolean; dying?: boolean; task?: Task; settled?: boolean; stderrTail: string; abort?: AbortController };

export class PoolClosedError extends Error {
  readonly code = 'POOL_CLOSED';
  constructor() {
    super('the extractor pool is closed');
  }
}

export function createExtractorPool(options: ExtractorPoolOptions): ExtractorPool {
  const config = normaliseOptions(options);
  const log = options.log.child({ component: 'extractors' });
  const clock = options.clock ?? systemClock;
  const queue: Task[] = [];
  const slots = new Set<Slot>();
  let nextId = 1;
  let closed = false;
  const stats: PoolStats = { peakWorkerRssBytes: 0, workersStarted: 0, tasks: 0, splitFiles: 0 };

  const spawn = (): void => {
    const slot: Slot = { child: forkWorker(config.maxWorkerMemoryMb), ready: false, stderrTail: '' };
    stats.workersStarted++;
    slots.add(slot);
    slot.child.stderr?.on('data', (chunk: Buffer) => {
      slot.stderrTail = (slot.stderrTail + chunk.toString('utf8')).slice(-4096);
    });
    slot.child.stdout?.resume();
    slot.child.on('message', (message: unknown) => {
      if (isWorkerMessage(message)) onMessage(slot, message);
    });
    slot.child.on('exit', (code, signal) => onExit(slot, code, signal));
    slot.child.on('error', (error) => log.warn({ err: error }, 'extractor worker error'));
  };

  const onMessage = (slot: Slot, message: WorkerMessage): void => {
    if (message.type === 'ready') {
      slot.ready = true;
      dispatch();
      return;
    }
    const task = slot.task;
    if (!task || task.id !== message.id || slot.settled) return;
    if (message.warnings.length) log.debug({ path: task.path, warnings: message.warnings }, 'parser warnings');
    finish(slot, message.type === 'result' ? message.extraction : message.part, message.warnings);
    dispatch();
  };

  const finish = (slot: Slot, reply: Reply, warnings: string[] = []): void => {
    const task = slot.task;
    if (!task || slot.settled) return;
    slot.settled = true;
    slot.abort?.abort();
    slot.task = undefined;
    task.resolve({ reply, warnings });
  };

  /** Kills a worker for a reason that belongs to its current file; a fresh worker replaces it. */
  const fail = (slot: Slot, rejected: Rejected): void => {
    log.warn({ path: slot.task?.path, reason: rejected.reason }, 'extractor worker killed');
    finish(slot, rejected);
    // Out of rotation now: the exit event comes later, and no task may land on a dying worker.
    slot.ready = false;
    slot.dying = true;
    slot.child.kill('SIGKILL');
  };

  const onExit = (slot: Slot, code: number | null, signal: NodeJS.Signals | null): void => {
    slots.delete(slot);
    if (slot.task && !slot.settled) {
      const oom = /heap out of memory|Reached heap limit|Allocation failed/i.test(slot.stderrTail);
      log.warn({ path: slot.task.path, code, signal, oom }, 'extractor worker died');
      finish(
        slot,
        reject(
          'TOO_COMPLEX',
          oom
            ? `parsing it exhausted the worker's memory limit (${config.maxWorkerMemoryMb} MiB); simplify or split the document`
            : `the parser crashed on it (exit ${code ?? signal}); re-save or simplify the document`,
        ),
      );
    }
    if (!closed) {
      spawn();
      dispatch();
    }
  };

  const watch = async (slot: Slot, task: Task): Promise<void> => {
    const controller = new AbortController();
    slot.abort = controller;
    const deadline = clock.now() + config.taskTimeoutMs;
    const bound = config.maxWorkerMemoryMb * 1024 * 1024;
    try {
      while (slot.task === task && !slot.settled) {
        await clock.sleep(config.sampleIntervalMs, controller.signal);
        if (slot.task !== task || slot.settled) return;
        const rss = slot.child.pid ? await readRssBytes(slot.child.pid) : undefined;
        if (rss !== undefined) stats.peakWorkerRssBytes = Math.max(stats.peakWorkerRssBytes, rss);
        if (slot.task !== task || slot.settled) return;
        if (rss !== undefined && rss > bound) {
          fail(slot, reject('TOO_COMPLEX', `parsing it used more than ${formatBytes(bound)} of memory (limit maxWorkerMemoryMb); simplify or split the document`));
        } else if (clock.now() >= deadline) {
          fail(slot, reject('TIMEOUT', `parsing it took longer than ${config.taskTimeoutMs / 1000} s (limit taskTimeoutMs); simplify or split the document`));
        }
      }
    } catch {
      // Aborted: the task finished first.
    }
  };

  const dispatch = (): void => {
    for (const slot of slots) {
      if (queue.length === 0) return;
      if (!slot.ready || slot.task || !slot.child.connected) continue;
      const task = queue.shift() as Task;
      slot.task = task;
      slot.settled = false;
      stats.tasks++;
      const message: TaskMessage = { id: task.id, path: task.path, limits: task.limits, ...task.job };
      slot.child.send(message);
      void watch(slot, task);
    }
  };

  /** Free workers, counting those still starting: they take queued parts as soon as they are ready. */
  const idleWorkers = (): number => [...slots].filter((s) => !s.task && !s.dying && s.child.connected).length;

  const newTask = (path: string, limits: ExtractLimits, job: Job): { task: Task; settled: Promise<Settled> } => {
    let task!: Task;
    const settled = new Promise<Settled>((resolve, rejectTask) => {
      task = { id: nextId++, path, limits, job, resolve, reject: rejectTask };
    });
    return { task, settled };
  };

  const extractWhole = async (path: string, limits: ExtractLimits): Promise<Extraction> => {
    const split = config.split && config.workers > 1 ? config.split : undefined;
    const { task, settled } = newTask(path, limits, { type: 'extract', ...(split ? { split } : {}) });
    queue.push(task);
    dispatch();
    const { reply, warnings } = await settled;
    if (isSplitPlan(reply)) return extractSplit(path, limits, reply, warnings);
    const extraction = reply as Extraction;
    return warnings.length ? { ...extraction, warnings: [...(extraction.warnings ?? []), ...warnings] } : extraction;
  };

  /** Early-exit validation: one task, never split (it reads a few pages, not all of them). */
  const validateWhole = async (path: string, limits: ExtractLimits): Promise<Validation> => {
    const { task, settled } = newTask(path, limits, { type: 'extract', depth: 'validate' });
    queue.push(task);
    dispatch();
    const { reply, warnings } = await settled;
    const validation = reply as Validation;
    return warnings.length ? { ...validation, warnings: [...(validation.warnings ?? []), ...warnings] } : validation;
  };

  /** The parts go first in the queue: their file is already under way. */
  const extractSplit = async (path: string, limits: ExtractLimits, plan: PdfSplitPlan, warnings: string[]): Promise<Extraction> => {
    stats.splitFiles++;
    const ranges = planRanges(plan.pages, Math.max(1, idleWorkers()));
    const parts = ranges.map((range) => newTask(path, limits, { type: 'extract-part', range, sha256: plan.sha256 }));
    queue.unshift(...parts.map((p) => p.task));
    dispatch();
    log.debug({ path, pages: plan.pages, parts: ranges.length }, 'pdf split across workers');
    const texts = await allPartsOrFirstFailure(parts.map((p) => p.settled), warnings);
    if (!Array.isArray(texts)) {
      // Parts still queued would be wasted work; running ones finish within their own bounds.
      for (const { task } of parts) {
        const at = queue.indexOf(task);
        if (at >= 0) queue.splice(at, 1);
      }
      return partFailure(plan, texts);
    }
    const unstable = await changedSince(path, plan.identity);
    return unstable ?? joinParts(plan, texts, warnings);
  };

  for (let i = 0; i < config.workers; i++) spawn();

  const allPartsOrFirstFailure = (settled: Promise<Settled>[], warnings: string[]): Promise<string[] | PdfPartResult & { ok: false }> =>
    new Promise((resolve, rejectAll) => {
      const texts: string[] = [];
      let left = settled.length;
      let done = false;
      settled.forEach((promise, i) => {
        promise.then(
          ({ reply, warnings: more }) => {
            if (done) return;
            const part = reply as PdfPartResult;
            if (!part.ok) {
              done = true;
              return resolve(part);
            }
            texts[i] = part.text;
            for (const w of more) if (!warnings.includes(w)) warnings.push(w);
            if (--left === 0) {
              done = true;
              resolve(texts);
            }
          },
          (error: Error) => {
            if (!done) rejectAll(error);
            done = true;
          },
        );
      });
    });

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const task of queue.splice(0)) task.reject(new PoolClosedError());
    for (const slot of slots) {
      if (slot.task && !slot.settled) {
        slot.settled = true;
        slot.abort?.abort();
        slot.task.reject(new PoolClosedError());
      }
    }
    const exits = [...slots].map(
      (slot) =>
        new Promise<void>((resolve) => {
          if (slot.child.exitCode !== null || slot.child.signalCode !== null) return resolve();
          slot.child.once('exit', () => resolve());
          slot.child.kill('SIGKILL');
        }),
    );
    await Promise.all(exits);
  };

  return {
    extract(path: string, opts?: ExtractOptions): Promise<Extraction> {
      if (closed) return Promise.reject(new PoolClosedError());
      return extractWhole(path, { ...config.limits, ...definedOnly(opts) });
    },
    validate(path: string, opts?: ExtractOptions): Promise<Validation> {
      if (closed) return Promise.reject(new PoolClosedError());
      return validateWhole(path, { ...config.limits, ...definedOnly(opts) });
    },
    close,
    stats: () => ({ ...stats }),
    [Symbol.asyncDispose]: close,
  };
}
