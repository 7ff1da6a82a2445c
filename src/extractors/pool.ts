/**
 * The production Extractor: a pool of child processes, one file at a time each. A child gets a
 * V8 heap limit and the parent samples its RSS (pdf.js allocates outside the heap); a file that
 * runs past its time or memory bound, or crashes its worker, gets TIMEOUT or TOO_COMPLEX, the
 * worker is replaced, and the other tasks carry on. Child processes rather than worker threads
 * because only a process can be killed mid-parse with its native memory reclaimed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock/clock.js';
import { formatBytes } from './detect.js';
import { DEFAULT_LIMITS, reject, type Extraction, type ExtractLimits, type ExtractOptions, type Extractor } from './extraction.js';
import { readRssBytes } from './process-memory.js';
import { isWorkerMessage, type WorkerMessage } from './worker-protocol.js';

export type ExtractorPoolOptions = Partial<ExtractLimits> & {
  /** Worker processes; default one per core. */
  workers?: number;
  /** Per-file time limit, default 60 s. */
  taskTimeoutMs?: number;
  /** Per-worker memory bound (RSS, and the V8 heap limit), default 1024 MiB. */
  maxWorkerMemoryMb?: number;
  /** How often a busy worker's RSS is sampled, default 50 ms. */
  sampleIntervalMs?: number;
  log: Logger;
  clock?: Clock;
};

export type PoolStats = { peakWorkerRssBytes: number; workersStarted: number; tasks: number };

export type ExtractorPool = Extractor & {
  close(): Promise<void>;
  stats(): PoolStats;
  [Symbol.asyncDispose](): Promise<void>;
};

type Task = {
  id: number;
  path: string;
  limits: ExtractLimits;
  resolve: (extraction: Extraction) => void;
  reject: (error: Error) => void;
};

type Slot = { child: ChildProcess; ready: boolean; task?: Task; settled?: boolean; stderrTail: string; abort?: AbortController };

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
  const stats: PoolStats = { peakWorkerRssBytes: 0, workersStarted: 0, tasks: 0 };

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
    const extraction = message.warnings.length
      ? { ...message.extraction, warnings: [...(message.extraction.warnings ?? []), ...message.warnings] }
      : message.extraction;
    if (message.warnings.length) log.debug({ path: task.path, warnings: message.warnings }, 'parser warnings');
    finish(slot, extraction);
    dispatch();
  };

  const finish = (slot: Slot, extraction: Extraction): void => {
    const task = slot.task;
    if (!task || slot.settled) return;
    slot.settled = true;
    slot.abort?.abort();
    slot.task = undefined;
    task.resolve(extraction);
  };

  /** Kills a worker for a reason that belongs to its current file; a fresh worker replaces it. */
  const fail = (slot: Slot, extraction: Extraction): void => {
    log.warn({ path: slot.task?.path, reason: extraction.ok ? undefined : extraction.reason }, 'extractor worker killed');
    finish(slot, extraction);
    // Out of rotation now: the exit event comes later, and no task may land on a dying worker.
    slot.ready = false;
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
      slot.child.send({ type: 'extract', id: task.id, path: task.path, limits: task.limits });
      void watch(slot, task);
    }
  };

  for (let i = 0; i < config.workers; i++) spawn();

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
      return new Promise<Extraction>((resolve, rejectTask) => {
        queue.push({ id: nextId++, path, limits: { ...config.limits, ...definedOnly(opts) }, resolve, reject: rejectTask });
        dispatch();
      });
    },
    close,
    stats: () => ({ ...stats }),
    [Symbol.asyncDispose]: close,
  };
}

type PoolConfig = {
  workers: number;
  taskTimeoutMs: number;
  maxWorkerMemoryMb: number;
  sampleIntervalMs: number;
  limits: ExtractLimits;
};

function normaliseOptions(options: ExtractorPoolOptions): Readonly<PoolConfig> {
  const positive = (key: string, value: number | undefined, fallback: number): number => {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v <= 0) throw new TypeError(`Expected \`${key}\` to be a finite number > 0, got \`${String(value)}\``);
    return v;
  };
  return Object.freeze({
    workers: Math.floor(positive('workers', options.workers, availableParallelism())),
    taskTimeoutMs: positive('taskTimeoutMs', options.taskTimeoutMs, 60_000),
    maxWorkerMemoryMb: positive('maxWorkerMemoryMb', options.maxWorkerMemoryMb, 1024),
    sampleIntervalMs: positive('sampleIntervalMs', options.sampleIntervalMs, 50),
    limits: Object.freeze({
      maxFileBytes: positive('maxFileBytes', options.maxFileBytes, DEFAULT_LIMITS.maxFileBytes),
      maxUncompressedBytes: positive('maxUncompressedBytes', options.maxUncompressedBytes, DEFAULT_LIMITS.maxUncompressedBytes),
      maxZipEntries: positive('maxZipEntries', options.maxZipEntries, DEFAULT_LIMITS.maxZipEntries),
    }),
  });
}

function definedOnly(opts: ExtractOptions | undefined): ExtractOptions {
  return Object.fromEntries(Object.entries(opts ?? {}).filter(([, v]) => v !== undefined));
}

/** Works from compiled dist/ (worker.js) and from TypeScript sources under vitest/tsx (worker.ts). */
function forkWorker(maxWorkerMemoryMb: number): ChildProcess {
  const self = fileURLToPath(import.meta.url);
  const fromSource = self.endsWith('.ts');
  const script = fileURLToPath(new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url));
  const heap = `--max-old-space-size=${Math.max(64, Math.floor(maxWorkerMemoryMb))}`;
  return fork(script, [], {
    execArgv: fromSource ? ['--import', 'tsx', heap] : [heap],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
}
