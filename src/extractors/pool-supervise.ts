/**
 * Keeping workers healthy and few: a busy worker's time and memory are watched (RSS sampled, as
 * pdf.js allocates outside the V8 heap) and the worker is killed past either bound; a worker that
 * died mid-task is explained (out of memory or a crash); an idle worker retires after `idleMs`;
 * a worker that exits before it is ready, or hangs past `startTimeoutMs`, is a failed start and
 * holds further starts back, 1 s doubling to 1 min.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { formatBytes } from './detect.js';
import { reject, type Rejected } from './extraction.js';
import type { PoolConfig } from './pool-config.js';
import { killWorker } from './pool-spawn.js';
import type { PoolStats, Reply, Task, WorkerSlot } from './pool-types.js';
import { readRssBytes } from './process-memory.js';

const FIRST_START_DELAY_MS = 1_000;
const MAX_START_DELAY_MS = 60_000;

/** The wait before the next start after `failures` failed starts in a row: 1 s, 2 s, 4 s … 1 min. */
export function startBackoffMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(MAX_START_DELAY_MS, FIRST_START_DELAY_MS * 2 ** Math.min(failures - 1, 16));
}

/** Hands the running task of a slot its answer, once; the slot is free again afterwards. */
export function settle(slot: WorkerSlot, reply: Reply, warnings: string[] = []): void {
  const task = slot.task;
  if (!task || slot.settled) return;
  slot.settled = true;
  slot.abort?.abort();
  slot.task = undefined;
  task.resolve({ reply, warnings });
}

/** What a worker's death mid-task means for its file. */
export function crashVerdict(slot: WorkerSlot, code: number | null, signal: NodeJS.Signals | null, maxWorkerMemoryMb: number): Rejected {
  const oom = /heap out of memory|Reached heap limit|Allocation failed/i.test(slot.stderrTail);
  return reject(
    'TOO_COMPLEX',
    oom
      ? `parsing it exhausted the worker's memory limit (${maxWorkerMemoryMb} MiB); simplify or split the document`
      : `the parser crashed on it (exit ${code ?? signal}); re-save or simplify the document`,
  );
}

export type SupervisorDeps = { config: Readonly<PoolConfig>; clock: Clock; log: Logger; stats: PoolStats };

export class Supervisor {
  readonly #deps: SupervisorDeps;
  #failedStarts = 0;
  #startsBlockedUntil = 0;

  constructor(deps: SupervisorDeps) {
    this.#deps = deps;
  }

  /** Samples the busy worker until its task settles; kills it past its time or memory bound. */
  async watch(slot: WorkerSlot, task: Task): Promise<void> {
    const { config, clock, stats } = this.#deps;
    const controller = new AbortController();
    slot.abort = controller;
    const deadline = clock.now() + config.taskTimeoutMs;
    const bound = config.maxWorkerMemoryMb * 1024 * 1024;
    const current = () => slot.task === task && !slot.settled;
    try {
      while (current()) {
        await clock.sleep(config.sampleIntervalMs, controller.signal);
        if (!current()) return;
        const rss = slot.child.pid ? await readRssBytes(slot.child.pid) : undefined;
        if (rss !== undefined) stats.peakWorkerRssBytes = Math.max(stats.peakWorkerRssBytes, rss);
        if (!current()) return;
        if (rss !== undefined && rss > bound) {
          this.#kill(slot, reject('TOO_COMPLEX', `parsing it used more than ${formatBytes(bound)} of memory (limit maxWorkerMemoryMb); simplify or split the document`));
        } else if (clock.now() >= deadline) {
          this.#kill(slot, reject('TIMEOUT', `parsing it took longer than ${config.taskTimeoutMs / 1000} s (limit taskTimeoutMs); simplify or split the document`));
        }
      }
    } catch {
      // Aborted: the task finished first.
    }
  }

  /** Starts the idle countdown of a free worker; `retire` runs if it is still free at the end. */
  idle(slot: WorkerSlot, retire: (slot: WorkerSlot) => void): void {
    slot.idle?.abort();
    const countdown = new AbortController();
    slot.idle = countdown;
    this.#deps.clock.sleep(this.#deps.config.idleMs, countdown.signal).then(
      () => {
        if (slot.idle === countdown && !slot.task && slot.state === 'ready') retire(slot);
      },
      () => undefined,
    );
  }

  /**
   * Starts the start countdown of a new worker: still `starting` after `startTimeoutMs`, it hangs
   * (a stuck import, a full disk) and `timedOut` runs. Cancelled by `started`.
   */
  awaitStart(slot: WorkerSlot, timedOut: (slot: WorkerSlot) => void): void {
    const countdown = new AbortController();
    slot.starting = countdown;
    this.#deps.clock.sleep(this.#deps.config.startTimeoutMs, countdown.signal).then(
      () => {
        if (slot.starting === countdown && slot.state === 'starting') timedOut(slot);
      },
      () => undefined,
    );
  }

  /** The worker said ready, or exited: its start countdown ends. */
  started(slot: WorkerSlot): void {
    slot.starting?.abort();
    slot.starting = undefined;
  }

  /** Records a failed start; returns the wait before the next start may be tried. */
  startFailed(): number {
    this.#failedStarts++;
    const delay = startBackoffMs(this.#failedStarts);
    this.#startsBlockedUntil = this.#deps.clock.now() + delay;
    return delay;
  }

  startSucceeded(): void {
    this.#failedStarts = 0;
    this.#startsBlockedUntil = 0;
  }

  startsBlocked(): boolean {
    return this.#deps.clock.now() < this.#startsBlockedUntil;
  }

  /** Kills a worker for a reason that belongs to its current file; a fresh worker starts on demand. */
  #kill(slot: WorkerSlot, rejected: Rejected): void {
    this.#deps.log.warn({ path: slot.task?.path, reason: rejected.reason }, 'extractor worker killed');
    settle(slot, rejected);
    // Out of rotation now: the exit event comes later, and no task may land on a dying worker.
    killWorker(slot);
  }
}
