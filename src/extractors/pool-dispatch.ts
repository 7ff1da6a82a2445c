/**
 * The pool's queue and how work reaches workers: one task per free, ready worker, in queue order.
 *
 * A large PDF is extracted page-parallel: the worker that opens it answers with a plan (page
 * count, hash) instead of text, and its page ranges go to the front of the queue, one per worker
 * the pool may run. Each part has the same time and memory bounds as a file; the first failing
 * part fails the file with its reason. The parts' texts are joined and normalised here, in order.
 */
import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Extraction, ExtractLimits, Rejected } from './extraction.js';
import { isSplitPlan, joinParts, partFailure, planRanges, type PdfPartResult, type PdfSplitPlan } from './pdf-split.js';
import type { PoolConfig } from './pool-config.js';
import type { Job, PoolStats, Settled, Task, WorkerSlot } from './pool-types.js';
import { changedSince, type ExpectedFile } from './read-once.js';
import type { Validation } from './validation.js';
import type { TaskMessage } from './worker-protocol.js';

export type DispatchDeps = {
  config: Readonly<PoolConfig>;
  slots: ReadonlySet<WorkerSlot>;
  stats: PoolStats;
  log: Logger;
  /** Called after the task was sent, to supervise it. */
  started(slot: WorkerSlot, task: Task): void;
  /**
   * Called when queued work may need more workers than are running; `spare` more are wanted for
   * work that is not queued yet (the parts of a PDF that will likely be split).
   */
  demand(spare?: number): void;
};

type Request = { path: string; limits: ExtractLimits; expected: ExpectedFile | undefined };

export class Dispatcher {
  readonly queue: Task[] = [];
  readonly #deps: DispatchDeps;
  #nextId = 1;

  constructor(deps: DispatchDeps) {
    this.#deps = deps;
  }

  /** Sends queued tasks to ready workers without a task. */
  dispatch(): void {
    for (const slot of this.#deps.slots) {
      if (this.queue.length === 0) return;
      if (slot.state !== 'ready' || slot.task || !slot.child.connected) continue;
      const task = this.queue.shift() as Task;
      slot.idle?.abort();
      slot.task = task;
      slot.settled = false;
      this.#deps.stats.tasks++;
      const message: TaskMessage = {
        id: task.id,
        path: task.path,
        limits: task.limits,
        pdfEngine: this.#deps.config.pdfEngine,
        ...(task.expected ? { expected: task.expected } : {}),
        ...this.#splitOnlyWithSpareWorkers(task.job),
      };
      slot.child.send(message);
      this.#deps.started(slot, task);
    }
  }

  /**
   * Splitting a PDF buys time only from workers that would otherwise wait: with other files still
   * queued every worker has work, and a split would only add its plan and a second read and open
   * of the file. Such a file is extracted whole by the worker that takes it.
   */
  #splitOnlyWithSpareWorkers(job: Job): Job {
    if (job.type !== 'extract' || !job.split || this.queue.length === 0) return job;
    const { split: _unused, ...whole } = job;
    return whole;
  }

  /** Every queued task ends with this answer (no worker can take it). */
  answerQueued(rejected: Rejected): void {
    for (const task of this.queue.splice(0)) task.resolve({ reply: rejected, warnings: [] });
  }

  failQueued(error: Error): void {
    for (const task of this.queue.splice(0)) task.reject(error);
  }

  async extract(request: Request): Promise<Extraction> {
    const { config } = this.#deps;
    const split = config.split && config.workers > 1 ? config.split : undefined;
    const { task, settled } = this.#newTask(request, { type: 'extract', ...(split ? { split } : {}) });
    this.#enqueue([task], 'back');
    if (split) void this.#startPartWorkersEarly(request, split.minBytes);
    const { reply, warnings } = await settled;
    if (isSplitPlan(reply)) return this.#extractSplit(request, reply, warnings);
    const extraction = reply as Extraction;
    return warnings.length ? { ...extraction, warnings: [...(extraction.warnings ?? []), ...warnings] } : extraction;
  }

  /** Early-exit validation: one task, never split (it reads a few pages, not all of them). */
  async validate(request: Request): Promise<Validation> {
    const { task, settled } = this.#newTask(request, { type: 'extract', depth: 'validate' });
    this.#enqueue([task], 'back');
    const { reply, warnings } = await settled;
    const validation = reply as Validation;
    return warnings.length ? { ...validation, warnings: [...(validation.warnings ?? []), ...warnings] } : validation;
  }

  /** The parts go first in the queue: their file is already under way. */
  async #extractSplit(request: Request, plan: PdfSplitPlan, warnings: string[]): Promise<Extraction> {
    this.#deps.stats.splitFiles++;
    const ranges = planRanges(plan.pages, Math.max(1, this.#capacity()));
    const parts = ranges.map((range) => this.#newTask(request, { type: 'extract-part', range, sha256: plan.sha256 }));
    this.#enqueue(parts.map((p) => p.task), 'front');
    this.#deps.log.debug({ path: request.path, pages: plan.pages, parts: ranges.length }, 'pdf split across workers');
    const texts = await allPartsOrFirstFailure(parts.map((p) => p.settled), warnings);
    if (!Array.isArray(texts)) {
      // Parts still queued would be wasted work; running ones finish within their own bounds.
      for (const { task } of parts) {
        const at = this.queue.indexOf(task);
        if (at >= 0) this.queue.splice(at, 1);
      }
      return partFailure(plan, texts);
    }
    const unstable = await changedSince(request.path, plan.identity);
    return unstable ?? joinParts(plan, texts, warnings);
  }

  /**
   * A file big enough to be split will want every worker once its plan is back: they start now,
   * while the first worker opens it, instead of after (a start costs ~0.2 s of a 1 s file). A file
   * that turns out not to split leaves them idle; they retire after `idleSeconds` as usual. The
   * size is the scan's when the caller gives it (the engine always does); only `extract` stats.
   */
  async #startPartWorkersEarly(request: Request, minBytes: number): Promise<void> {
    const size = request.expected?.size ?? (await stat(request.path).then((s) => s.size, () => 0));
    if (size >= minBytes) this.#deps.demand(this.#deps.config.workers - 1);
  }

  /** Workers that could take a part now or once started: the pool's size less the busy ones. */
  #capacity(): number {
    const busy = [...this.#deps.slots].filter((s) => s.task !== undefined && s.state !== 'dying').length;
    return this.#deps.config.workers - busy;
  }

  #enqueue(tasks: Task[], where: 'front' | 'back'): void {
    if (where === 'front') this.queue.unshift(...tasks);
    else this.queue.push(...tasks);
    this.dispatch();
    this.#deps.demand();
  }

  #newTask(request: Request, job: Job): { task: Task; settled: Promise<Settled> } {
    let task!: Task;
    const settled = new Promise<Settled>((resolve, rejectTask) => {
      task = { id: this.#nextId++, ...request, job, resolve, reject: rejectTask };
    });
    return { task, settled };
  }
}

function allPartsOrFirstFailure(settled: Promise<Settled>[], warnings: string[]): Promise<string[] | (PdfPartResult & { ok: false })> {
  return new Promise((resolve, rejectAll) => {
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
          // Parts that fell back to pdf.js each say so: the file says it once.
          for (const w of [...(part.warnings ?? []), ...more]) if (!warnings.includes(w)) warnings.push(w);
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
}
