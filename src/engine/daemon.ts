/**
 * The `watch` daemon's loop, on the injected Clock. Watcher events are hints: they only make a
 * sync pass due (batched); the pass re-stats everything and decides. Around that, the loop runs
 * the job runner whenever it has something to do (waking at the budget's `nextWakeAt`), polls
 * while entries are in flight, rescans every source now and then, and backs off during an API
 * outage. Nothing but a refused credential (401/403) or the stop signal ends it.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { AUTH_CODES, SensayApiError } from '../sensay/errors.js';
import type { PollResult } from '../status/poller.js';
import type { RunSummary } from '../uploader/index.js';
import type { ChangeEvent } from '../watchers/index.js';
import type { Engine, EngineSummary } from './create-engine.js';
import { normaliseDaemonOptions, type DaemonOptions, type NormalisedDaemonOptions } from './daemon-options.js';
import { addHint, backoffDelay, nextWakeAt, scheduleBatch, scheduleSettled, type HintBatch } from './daemon-schedule.js';
import type { SyncPassReport } from './pass-report.js';

export type { DaemonOptions } from './daemon-options.js';

export type DaemonEngine = Pick<Engine, 'reconcile' | 'syncPass' | 'runJobs' | 'pollOnce' | 'summary'>;

/** What the loop did, for metrics and progress views. Observers must not throw. */
export interface DaemonObserver {
  /** A round begins (liveness: a round that never ends is a stuck loop). */
  roundStarting?(): void;
  /** Work inside a round moved on (a source scanned, a file examined, a decision recorded, a job done). */
  progress?(): void;
  pass?(report: SyncPassReport): void;
  jobs?(run: RunSummary): void;
  poll?(result: PollResult, at: number): void;
  /** After every round, with the state it left. */
  round?(summary: EngineSummary): void;
  /** The loop is parked until `until` (or a hint or the stop signal). */
  sleeping?(until: number): void;
}

export interface DaemonDeps {
  readonly engine: DaemonEngine;
  readonly clock: Clock;
  readonly log: Logger;
  readonly options: DaemonOptions;
  readonly observer?: DaemonObserver;
}

export type DaemonExit =
  | { readonly stoppedBy: 'signal' }
  | { readonly stoppedBy: 'auth'; readonly error: SensayApiError }
  /** The API redirected a request: `api.baseUrl` is wrong (CLI exit 2). */
  | { readonly stoppedBy: 'config'; readonly error: SensayApiError };

export interface Daemon {
  /** A watcher event: something under a source changed. */
  notify(event?: ChangeEvent): void;
  /** "Sync now" (the console, `sync-now`): a pass at once, not after the hints' quiet time. */
  scanNow(): void;
  /** The queue changed by hand (retry, resume): look for runnable jobs at once. */
  jobsNow(): void;
  /** Runs until `signal` aborts (the job in hand finishes first) or the API refuses our credentials. */
  run(signal: AbortSignal): Promise<DaemonExit>;
}

/** A floor under every sleep, so a wake time that is already due cannot make the loop spin. */
const MIN_SLEEP_MS = 100;
/**
 * With uploads outstanding but no wake time from the runner (a job left to its lease after an
 * ambiguous outage, a paused replica), the runner is asked again this often: a store query, no API call.
 */
const JOBS_RECHECK_MS = 60_000;

export function createDaemon(deps: DaemonDeps): Daemon {
  return new DaemonLoop(deps);
}

type Attempt<T> = { ok: true; value: T } | { ok: false; fatal?: SensayApiError };

class DaemonLoop implements Daemon {
  readonly #engine: DaemonEngine;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #observer: DaemonObserver;
  readonly #options: NormalisedDaemonOptions;

  #pendingScan: HintBatch | null = null;
  #lastScanAt = 0;
  #reconciled = false;
  #jobsDueAt: number | null = null;
  #inFlight = false;
  #lastPollAt = Number.NEGATIVE_INFINITY;
  #apiFailures = 0;
  #apiRetryAt = Number.NEGATIVE_INFINITY;
  #localFailures = 0;
  #lastBudgetWake: number | null = null;
  #wake: { controller: AbortController; until: number } | null = null;
  #running = false;
  readonly #progress = (): void => this.#observer.progress?.();

  constructor(deps: DaemonDeps) {
    this.#engine = deps.engine;
    this.#clock = deps.clock;
    this.#log = deps.log.child({ component: 'daemon' });
    this.#observer = deps.observer ?? {};
    this.#options = normaliseDaemonOptions(deps.options);
  }

  notify(event?: ChangeEvent): void {
    this.#pendingScan = addHint(this.#pendingScan, this.#clock.now(), this.#options.quietMs, this.#options.maxBatchDelayMs);
    if (event) this.#log.debug({ type: event.type, source: event.source, path: event.relPath }, 'change hint');
    // Only a hint that is due before the planned wake-up needs to cut the sleep short.
    if (this.#wake && this.#pendingScan.dueAt < this.#wake.until) this.#wake.controller.abort();
  }

  scanNow(): void {
    const now = this.#clock.now();
    this.#pendingScan = scheduleBatch(this.#pendingScan, now, now);
    this.#wakeIfLater(now);
  }

  jobsNow(): void {
    const now = this.#clock.now();
    this.#jobsDueAt = now;
    this.#wakeIfLater(now);
  }

  #wakeIfLater(at: number): void {
    if (this.#wake && at < this.#wake.until) this.#wake.controller.abort();
  }

  async run(signal: AbortSignal): Promise<DaemonExit> {
    if (this.#running) throw new Error('daemon: run() is already in progress');
    this.#running = true;
    const now = this.#clock.now();
    this.#lastScanAt = now;
    this.#pendingScan = scheduleBatch(this.#pendingScan, now, now);
    this.#log.info({ pollIntervalMs: this.#options.pollIntervalMs, rescanIntervalMs: this.#options.rescanIntervalMs }, 'daemon started');
    try {
      while (!signal.aborted) {
        this.#observer.roundStarting?.();
        const exit = await this.#round(signal);
        if (exit) return exit;
        if (signal.aborted) break;
        await this.#sleep(signal);
      }
      this.#log.info('daemon stopping');
      return { stoppedBy: 'signal' };
    } finally {
      this.#running = false;
    }
  }

  async #round(signal: AbortSignal): Promise<DaemonExit | null> {
    for (const step of [this.#reconcileStep, this.#scanStep, this.#jobsStep, this.#pollStep]) {
      if (signal.aborted) return null;
      const exit = await step.call(this, signal);
      if (exit) return exit;
    }
    if (signal.aborted) return null;
    const summary = await this.#attempt('reading the state', signal, false, () => this.#engine.summary());
    if (summary.ok) {
      const docs = summary.value.documents;
      this.#inFlight = docs.processing + docs.errored > 0;
      if (this.#jobsDueAt === null && docs.queued + docs.uploading + docs.deleting > 0) this.#jobsDueAt = this.#clock.now() + JOBS_RECHECK_MS;
      this.#observer.round?.(summary.value);
    }
    return null;
  }

  async #reconcileStep(signal: AbortSignal): Promise<DaemonExit | null> {
    if (this.#reconciled || this.#clock.now() < this.#apiRetryAt) return null;
    // The engine's reconcile starts with the count per replica: a wrong secret ends the daemon here.
    const done = await this.#attempt('reconciling with the API', signal, true, () => this.#engine.reconcile({ signal }));
    if (!done.ok) return done.fatal ? this.#authFailure(done.fatal) : null;
    this.#reconciled = true;
    this.#apiSucceeded();
    this.#jobsDueAt = this.#clock.now();
    return null;
  }

  async #scanStep(signal: AbortSignal): Promise<DaemonExit | null> {
    const now = this.#clock.now();
    // A pending batch (hints, or a failed pass's retry) already brings the next pass.
    if (this.#pendingScan === null && now >= this.#lastScanAt + this.#options.rescanIntervalMs) {
      this.#log.debug('periodic rescan');
      this.#pendingScan = scheduleBatch(this.#pendingScan, now, now);
    }
    const batch = this.#pendingScan;
    if (batch === null || batch.dueAt > now) return null;
    this.#pendingScan = null;
    // Counted from the attempt: a failed pass is retried by its own back-off, not by the rescan timer.
    this.#lastScanAt = now;
    const pass = await this.#attempt('scanning the sources', signal, false, () => this.#engine.syncPass({ signal, onProgress: this.#progress }));
    if (!pass.ok) {
      if (pass.fatal) return this.#authFailure(pass.fatal);
      if (!signal.aborted) this.#pendingScan = scheduleBatch(this.#pendingScan, this.#clock.now() + this.#localBackoff(), now);
      return null;
    }
    this.#localFailures = 0;
    this.#jobsDueAt = now;
    for (const r of pass.value.rejected) {
      this.#log.warn({ source: r.source, path: r.path, reason: r.reason, detail: r.detail }, 'file rejected; it is looked at again when it changes');
    }
    // Files still being written were left unread: without a pass once they have settled, nothing
    // would read them before the next rescan (a rescan or another file's hint can meet them).
    this.#pendingScan = scheduleSettled(this.#pendingScan, pass.value, this.#clock.now());
    this.#observer.pass?.(pass.value);
    return null;
  }

  async #jobsStep(signal: AbortSignal): Promise<DaemonExit | null> {
    const now = this.#clock.now();
    if (!this.#reconciled || this.#jobsDueAt === null || this.#jobsDueAt > now || now < this.#apiRetryAt) return null;
    const attempt = await this.#attempt('running jobs', signal, false, () => this.#engine.runJobs({ signal, onProgress: this.#progress }));
    if (!attempt.ok) {
      if (attempt.fatal) return this.#authFailure(attempt.fatal);
      this.#jobsDueAt = this.#clock.now() + this.#localBackoff();
      return null;
    }
    const run = attempt.value;
    this.#observer.jobs?.(run);
    if (run.uploaded + run.adopted + run.deleted + run.renamed + run.failed > 0) {
      this.#log.info({ uploaded: run.uploaded, deleted: run.deleted, renamed: run.renamed, failed: run.failed, released: run.released }, 'jobs ran');
    }
    return this.#afterJobs(run);
  }

  #afterJobs(run: RunSummary): DaemonExit | null {
    switch (run.stoppedBy) {
      case 'auth':
      case 'config':
        return this.#authFailure(run.error);
      case 'outage':
        // Each create waits out its own outage backoff; the loop only keeps the API marked failing.
        this.#apiFailed('uploading (the API failed the creates)', run.error);
        this.#jobsDueAt = run.nextWakeAt;
        return null;
      case 'unreachable':
        this.#apiFailed('running jobs', run.error);
        this.#jobsDueAt = this.#apiRetryAt;
        return null;
      case 'signal':
        return null;
      case 'budget':
      case 'blocked':
        if (run.nextWakeAt !== this.#lastBudgetWake && run.nextWakeAt !== null) {
          this.#log.info({ reason: run.stoppedBy, nextUploadAt: new Date(run.nextWakeAt).toISOString() }, 'upload budget spent; waiting for the next slot');
        }
        this.#lastBudgetWake = run.nextWakeAt;
        break;
      case 'idle':
        this.#lastBudgetWake = null;
    }
    if (run.uploaded + run.deleted + run.renamed + run.adopted > 0) this.#apiSucceeded();
    this.#jobsDueAt = run.nextWakeAt;
    return null;
  }

  async #pollStep(signal: AbortSignal): Promise<DaemonExit | null> {
    const now = this.#clock.now();
    if (!this.#inFlight || now < this.#lastPollAt + this.#options.pollIntervalMs || now < this.#apiRetryAt) return null;
    const attempt = await this.#attempt('polling entry status', signal, false, () => this.#engine.pollOnce({ signal }));
    this.#lastPollAt = now;
    if (!attempt.ok) return attempt.fatal ? this.#authFailure(attempt.fatal) : null;
    const poll = attempt.value;
    this.#observer.poll?.(poll, now);
    if (poll.replicasSkipped > 0) this.#apiFailed('polling entry status');
    else if (poll.requests > 0) this.#apiSucceeded();
    // Recreates, re-uploads of vanished entries and freed predecessors are jobs: run them soon.
    if (poll.ready + poll.errored + poll.recreatesQueued + poll.gone > 0) this.#jobsDueAt = now;
    return null;
  }

  async #sleep(signal: AbortSignal): Promise<void> {
    const now = this.#clock.now();
    const wakeAt = nextWakeAt({
      now,
      pendingScanAt: this.#pendingScan?.dueAt ?? null,
      rescanAt: this.#lastScanAt + this.#options.rescanIntervalMs,
      reconciled: this.#reconciled,
      jobsDueAt: this.#jobsDueAt,
      inFlight: this.#inFlight,
      nextPollAt: this.#lastPollAt + this.#options.pollIntervalMs,
      apiRetryAt: this.#apiRetryAt,
    });
    const ms = Math.max(MIN_SLEEP_MS, wakeAt - now);
    const controller = new AbortController();
    const stop = () => controller.abort();
    signal.addEventListener('abort', stop, { once: true });
    this.#wake = { controller, until: now + ms };
    this.#observer.sleeping?.(now + ms);
    try {
      await this.#clock.sleep(ms, controller.signal);
    } catch {
      // Woken early by a hint or the stop signal: the loop looks again.
    } finally {
      signal.removeEventListener('abort', stop);
      this.#wake = null;
    }
  }

  /** Runs one step; an expected failure is logged and becomes a value, 401/403 becomes `fatal`. */
  async #attempt<T>(what: string, signal: AbortSignal, apiStep: boolean, work: () => Promise<T>): Promise<Attempt<T>> {
    try {
      return { ok: true, value: await work() };
    } catch (err) {
      if (signal.aborted) return { ok: false };
      if (err instanceof SensayApiError && (AUTH_CODES.has(err.code) || err.code === 'UNEXPECTED_REDIRECT')) return { ok: false, fatal: err };
      if (apiStep || err instanceof SensayApiError) this.#apiFailed(what, err);
      else this.#log.error({ err }, `${what} failed; retrying later`);
      return { ok: false };
    }
  }

  #apiFailed(what: string, err?: unknown): void {
    this.#apiFailures++;
    const delay = backoffDelay(this.#apiFailures, this.#options.backoff);
    this.#apiRetryAt = this.#clock.now() + delay;
    const fields = err instanceof SensayApiError ? err.toLogFields() : err;
    this.#log.warn({ err: fields, failures: this.#apiFailures, retryInMs: delay }, `${what} failed; backing off`);
  }

  #apiSucceeded(): void {
    if (this.#apiFailures > 0) this.#log.info({ after: this.#apiFailures }, 'the API answers again');
    this.#apiFailures = 0;
    this.#apiRetryAt = Number.NEGATIVE_INFINITY;
  }

  #localBackoff(): number {
    this.#localFailures++;
    return backoffDelay(this.#localFailures, this.#options.backoff);
  }

  /** 401/403, or a redirect (a wrong `api.baseUrl`): nothing will get better by waiting. */
  #authFailure(error: SensayApiError | undefined): DaemonExit {
    if (error?.code === 'UNEXPECTED_REDIRECT') {
      this.#log.error({ err: error.toLogFields() }, 'the API answered with a redirect: check api.baseUrl; the daemon stops');
      return { stoppedBy: 'config', error };
    }
    const err = error ?? new SensayApiError({ code: 'UNAUTHORIZED', message: 'credentials refused', method: 'POST', path: '' });
    this.#log.error({ err: err.toLogFields() }, 'the API refused the organisation secret (401/403); the daemon stops');
    return { stoppedBy: 'auth', error: err };
  }
}
