/**
 * The pool's worker processes as one set: started on demand (within `workers` and the start
 * backoff), told apart by state (starting, ready, busy, dying), answered when they report, replaced
 * when they die, retired when idle, and all killed on close. Bounds and backoff are the
 * Supervisor's; the queue is the Dispatcher's.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { reject } from './extraction.js';
import type { PoolConfig } from './pool-config.js';
import { Dispatcher } from './pool-dispatch.js';
import { hasExited, killWorker, spawnWorker } from './pool-spawn.js';
import { crashVerdict, settle, Supervisor } from './pool-supervise.js';
import { PoolClosedError, type PoolStats, type WorkerSlot } from './pool-types.js';
import type { ForkWorker } from './worker-process.js';
import type { WorkerMessage } from './worker-protocol.js';

export type FleetDeps = { config: Readonly<PoolConfig>; log: Logger; clock: Clock; fork: ForkWorker };

export class WorkerFleet {
  readonly stats: PoolStats = { peakWorkerRssBytes: 0, workersStarted: 0, startFailures: 0, idleExits: 0, tasks: 0, splitFiles: 0 };
  readonly dispatcher: Dispatcher;
  readonly #deps: FleetDeps;
  readonly #slots = new Set<WorkerSlot>();
  readonly #supervisor: Supervisor;
  #closed = false;
  #lastStartFailure = '';

  constructor(deps: FleetDeps) {
    this.#deps = deps;
    const { config, clock, log } = deps;
    this.#supervisor = new Supervisor({ config, clock, log, stats: this.stats });
    this.dispatcher = new Dispatcher({
      config,
      slots: this.#slots,
      stats: this.stats,
      log,
      started: (slot, task) => void this.#supervisor.watch(slot, task),
      demand: (spare) => this.#grow(spare),
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Worker processes alive now (starting, ready or busy). */
  pids(): number[] {
    return [...this.#slots].flatMap((s) => (s.child.pid !== undefined && !hasExited(s) ? [s.child.pid] : []));
  }

  /** Fails what is queued, answers running tasks PoolClosedError and kills every worker. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.dispatcher.failQueued(new PoolClosedError());
    await Promise.all([...this.#slots].map((slot) => this.#killOnClose(slot)));
  }

  #killOnClose(slot: WorkerSlot): Promise<void> {
    slot.idle?.abort();
    this.#supervisor.started(slot);
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
  }

  #spawn(): void {
    const { fork, config, log } = this.#deps;
    this.stats.workersStarted++;
    const slot = spawnWorker(
      fork,
      config.maxWorkerMemoryMb,
      { onMessage: (s, m) => this.#onMessage(s, m), onExit: (s, code, signal) => this.#onExit(s, code, signal) },
      log,
    );
    this.#slots.add(slot);
    this.#supervisor.awaitStart(slot, (s) => this.#startTimedOut(s));
  }

  /**
   * Starts workers for queued work nobody free can take, and `spare` more for work about to be
   * queued, within `workers` and the start backoff.
   */
  #grow(spare = 0): void {
    if (this.#closed) return;
    const live = [...this.#slots].filter((s) => s.state !== 'dying');
    const free = live.filter((s) => !s.task).length;
    const wanted = Math.min(this.#deps.config.workers - live.length, this.dispatcher.queue.length - free + spare);
    if (wanted <= 0) return;
    if (!this.#supervisor.startsBlocked()) {
      for (let i = 0; i < wanted; i++) this.#spawn();
    } else if (live.length === 0) {
      this.dispatcher.answerQueued(
        reject('WORKER_UNAVAILABLE', `no extraction worker could start (${this.#lastStartFailure}); check the installation (node version, npm ci) and the log; the file is examined again on a later pass`),
      );
    }
  }

  #idleOrNext(slot: WorkerSlot): void {
    this.dispatcher.dispatch();
    if (!slot.task && slot.state === 'ready') this.#supervisor.idle(slot, (s) => this.#retire(s));
  }

  #retire(slot: WorkerSlot): void {
    this.stats.idleExits++;
    slot.state = 'dying';
    slot.child.kill('SIGTERM');
  }

  #onMessage(slot: WorkerSlot, message: WorkerMessage): void {
    if (message.type === 'ready') {
      if (slot.state !== 'starting') return;
      slot.state = 'ready';
      this.#supervisor.started(slot);
      this.#supervisor.startSucceeded();
      return this.#idleOrNext(slot);
    }
    const task = slot.task;
    if (!task || task.id !== message.id || slot.settled) return;
    if (message.warnings.length) this.#deps.log.debug({ path: task.path, warnings: message.warnings }, 'parser warnings');
    settle(slot, message.type === 'result' ? message.extraction : message.part, message.warnings);
    this.#idleOrNext(slot);
  }

  #onExit(slot: WorkerSlot, code: number | null, signal: NodeJS.Signals | null): void {
    this.#slots.delete(slot);
    slot.idle?.abort();
    this.#supervisor.started(slot);
    if (slot.state === 'starting' && !this.#closed) this.#startFailed(slot, `exit ${code ?? signal ?? 'before start'}`, { code, signal });
    if (slot.task && !slot.settled) {
      this.#deps.log.warn({ path: slot.task.path, code, signal }, 'extractor worker died');
      settle(slot, crashVerdict(slot, code, signal, this.#deps.config.maxWorkerMemoryMb));
    }
    if (!this.#closed) {
      this.dispatcher.dispatch();
      this.#grow();
    }
  }

  /** Not ready after `startTimeoutMs`: a failed start like an exit; its exit comes later, as `dying`. */
  #startTimedOut(slot: WorkerSlot): void {
    this.#startFailed(slot, `no ready signal within ${this.#deps.config.startTimeoutMs / 1000} s (killed)`, { timedOut: true });
    killWorker(slot);
  }

  #startFailed(slot: WorkerSlot, what: string, fields: Record<string, unknown>): void {
    this.stats.startFailures++;
    const retryInMs = this.#supervisor.startFailed();
    const stderr = slot.stderrTail.trim();
    const lastLine = stderr.split('\n').pop()?.slice(0, 200) ?? '';
    this.#lastStartFailure = `${what}${lastLine ? `: ${lastLine}` : ''}`;
    this.#deps.log.error({ ...fields, stderr: stderr.slice(-2000), retryInMs }, 'extraction worker failed to start; next start after a backoff');
  }
}
