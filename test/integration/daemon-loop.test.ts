/**
 * The daemon loop's decisions on a FakeClock, against a scripted engine: when it scans, runs
 * jobs, polls, backs off and stops. Hours of budget waiting run in milliseconds.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createDaemon, type Daemon, type DaemonEngine, type DaemonExit, type DaemonOptions } from '../../src/engine/daemon.js';
import type { EngineSummary } from '../../src/engine/create-engine.js';
import type { SyncPassReport } from '../../src/engine/pass-report.js';
import { SensayApiError } from '../../src/sensay/errors.js';
import { emptyPollResult, type PollResult } from '../../src/status/poller.js';
import { DOCUMENT_STATES, type DocumentState } from '../../src/store/documents.js';
import type { RunSummary } from '../../src/uploader/index.js';
import { FakeClock, flushMicrotasks } from '../support/fake-clock.js';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const MIN = 60_000;
const silent = pino({ level: 'silent' });

type Step = 'reconcile' | 'pass' | 'jobs' | 'poll';
type JobScript = Partial<RunSummary> | Error;

/** An engine whose answers the test scripts, recording what was called when (ms after T0). */
class ScriptedEngine implements DaemonEngine {
  readonly calls: { step: Step; at: number }[] = [];
  jobs: JobScript[] = [];
  passErrors: Error[] = [];
  reconcileErrors: Error[] = [];
  inFlight = 0;
  uploading = 0;
  pollResult: Partial<PollResult> = {};
  /** While set, runJobs waits for the abort signal (a job in hand). */
  holdJobs = false;

  constructor(private readonly clock: FakeClock) {}

  at(step: Step): number[] {
    return this.calls.filter((c) => c.step === step).map((c) => c.at);
  }

  #record(step: Step): void {
    this.calls.push({ step, at: this.clock.now() - T0 });
  }

  async reconcile() {
    this.#record('reconcile');
    const error = this.reconcileErrors.shift();
    if (error) throw error;
    return { adopted: 0, deletedOrphans: 0, requeued: 0, listed: 0, unknown: 0, replicas: 1 };
  }

  /** Progress each pass and each job run reports (files examined, jobs done). */
  beats = 0;

  async syncPass(options: { onProgress?: () => void } = {}) {
    this.#record('pass');
    for (let i = 0; i < this.beats; i++) options.onProgress?.();
    const error = this.passErrors.shift();
    if (error) throw error;
    return { counts: { scanned: 3 }, rejected: [] } as unknown as SyncPassReport;
  }

  async runJobs(options: { signal?: AbortSignal; onProgress?: () => void } = {}): Promise<RunSummary> {
    this.#record('jobs');
    for (let i = 0; i < this.beats; i++) options.onProgress?.();
    if (this.holdJobs) {
      await new Promise((resolve) => options.signal?.addEventListener('abort', resolve, { once: true }));
      return run({ stoppedBy: 'signal' });
    }
    const next = this.jobs.shift() ?? {};
    if (next instanceof Error) throw next;
    return run(next);
  }

  async pollOnce(): Promise<PollResult> {
    this.#record('poll');
    return { ...emptyPollResult(), requests: 1, ...this.pollResult };
  }

  async summary(): Promise<EngineSummary> {
    const documents = Object.fromEntries(DOCUMENT_STATES.map((s) => [s, 0])) as Record<DocumentState, number>;
    documents.processing = this.inFlight;
    documents.uploading = this.uploading;
    return {
      at: this.clock.now(),
      documents,
      budget: { scope: 's', limit: 10, windowMs: 60 * MIN, used: 0, remaining: 10, nextFreeAt: this.clock.now(), blockedUntil: null, blockedReason: null },
      queuedUploads: 0,
      nextUploadAt: null,
      eta: { uploads: 0, firstSlotAt: null, lastSlotAt: null },
      paused: [],
      pausedSources: [],
      heldByPause: 0,
    };
  }
}

function run(partial: Partial<RunSummary>): RunSummary {
  return { uploaded: 0, adopted: 0, deleted: 0, renamed: 0, updated: 0, failed: 0, released: 0, outages: 0, nextWakeAt: null, stoppedBy: 'idle', ...partial };
}

const unreachable = () => new SensayApiError({ code: 'UNREACHABLE', message: 'connect ECONNREFUSED', method: 'POST', path: '/v1/replicas/x/knowledge-base' });
const unauthorised = () => new SensayApiError({ code: 'UNAUTHORIZED', status: 401, message: 'Unauthorized', method: 'GET', path: '/v1/replicas/x/knowledge-base' });

interface Harness {
  clock: FakeClock;
  engine: ScriptedEngine;
  notify(): void;
  daemon: Daemon;
  /** Resolves once the loop is parked again (after `parks` sleeps in all); returns its wake time, ms after T0. */
  parked(): Promise<number>;
  stop(): Promise<DaemonExit>;
  done: Promise<DaemonExit>;
}

let stopper: AbortController | undefined;
afterEach(() => stopper?.abort());

function startDaemon(options: Partial<DaemonOptions> = {}, prepare: (engine: ScriptedEngine) => void = () => undefined): Harness {
  const clock = new FakeClock(T0);
  const engine = new ScriptedEngine(clock);
  prepare(engine);
  const sleeps: number[] = [];
  let seen = 0;
  const daemon = createDaemon({
    engine,
    clock,
    log: silent,
    options: { pollIntervalMs: 5000, rescanIntervalMs: 10 * MIN, backoff: { initialMs: 1000, maxMs: 8000 }, ...options },
    observer: { sleeping: (until) => sleeps.push(until - T0) },
  });
  const controller = new AbortController();
  stopper = controller;
  const done = daemon.run(controller.signal);
  return {
    clock,
    engine,
    notify: () => daemon.notify(),
    daemon,
    async parked() {
      for (let i = 0; i < 1000 && sleeps.length <= seen; i++) await flushMicrotasks(1);
      expect(sleeps.length, 'the daemon never parked').toBeGreaterThan(seen);
      seen = sleeps.length;
      return sleeps[sleeps.length - 1]!;
    },
    async stop() {
      controller.abort(new Error('test stop'));
      return done;
    },
    done,
  };
}

/** Advances to `at` (ms after T0), letting the loop run and park at each wake-up on the way. */
async function advanceTo(h: Harness, at: number, wake: number): Promise<number> {
  let next = wake;
  while (next <= at) {
    await h.clock.advance(next - (h.clock.now() - T0));
    next = await h.parked();
  }
  await h.clock.advance(at - (h.clock.now() - T0));
  return next;
}

describe('daemon loop', () => {
  it('starts with reconcile, a catch-up pass and a job run, then sleeps until the periodic rescan', async () => {
    const h = startDaemon();
    const wake = await h.parked();
    expect(h.engine.calls.map((c) => c.step)).toEqual(['reconcile', 'pass', 'jobs']);
    expect(wake).toBe(10 * MIN);
    await advanceTo(h, 10 * MIN, wake);
    expect(h.engine.at('pass')).toEqual([0, 10 * MIN]);
    expect(await h.stop()).toEqual({ stoppedBy: 'signal' });
  });

  it('when the budget is spent, sleeps until nextWakeAt and only then runs jobs again', async () => {
    const h = startDaemon({ rescanIntervalMs: 60 * MIN }, (e) => {
      e.jobs = [{ uploaded: 10, stoppedBy: 'budget', nextWakeAt: T0 + 42 * MIN }];
    });
    const wake = await h.parked();
    expect(wake).toBe(42 * MIN);
    await h.clock.advance(42 * MIN - 1);
    expect(h.engine.at('jobs')).toEqual([0]);
    await advanceTo(h, 42 * MIN, wake);
    expect(h.engine.at('jobs')).toEqual([0, 42 * MIN]);
  });

  it('a rescan in between asks the runner again, and its answer re-arms the budget wake', async () => {
    const spent = { stoppedBy: 'budget' as const, nextWakeAt: T0 + 42 * MIN };
    const h = startDaemon({ rescanIntervalMs: 10 * MIN }, (e) => {
      e.jobs = [{ uploaded: 10, ...spent }, spent, spent, spent, spent, { uploaded: 2 }];
    });
    await advanceTo(h, 43 * MIN, await h.parked());
    expect(h.engine.at('jobs')).toEqual([0, 10 * MIN, 20 * MIN, 30 * MIN, 40 * MIN, 42 * MIN]);
  });

  it('"sync now" wakes it for a pass at once, and a retry or resume for a job run at once (the console\'s actions)', async () => {
    const h = startDaemon({ quietMs: 1000 });
    await h.parked();
    await h.clock.advance(5 * MIN);
    h.daemon.scanNow();
    await h.parked();
    expect(h.engine.at('pass')).toEqual([0, 5 * MIN]);
    await h.clock.advance(MIN);
    h.daemon.jobsNow();
    await h.parked();
    expect(h.engine.at('jobs')).toEqual([0, 5 * MIN, 6 * MIN]);
    expect(h.engine.at('pass')).toEqual([0, 5 * MIN]);
  });

  it('batches watcher hints: one pass once they have been quiet for quietMs', async () => {
    const h = startDaemon({ quietMs: 1000 });
    await h.parked();
    for (let i = 0; i < 5; i++) {
      h.notify();
      await h.clock.advance(300);
    }
    // Last hint at 1200 ms: the pass is due at 2200 ms, not before.
    const wake = await advanceTo(h, 2199, await h.parked());
    expect(h.engine.at('pass')).toEqual([0]);
    await advanceTo(h, 2200, wake);
    expect(h.engine.at('pass')).toEqual([0, 2200]);
  });

  it('does not let a steady stream of hints postpone the pass past maxBatchDelayMs', async () => {
    const h = startDaemon({ quietMs: 1000, maxBatchDelayMs: 5000 });
    await h.parked();
    for (let t = 0; t < 8000; t += 500) {
      h.notify();
      await h.clock.advance(500);
    }
    expect(h.engine.at('pass')[1]).toBe(5000);
  });

  it('backs off exponentially (capped) while the API is unreachable, and carries on when it answers', async () => {
    const h = startDaemon({}, (e) => {
      e.jobs = [
        { stoppedBy: 'unreachable', error: unreachable() },
        { stoppedBy: 'unreachable', error: unreachable() },
        { stoppedBy: 'unreachable', error: unreachable() },
        { stoppedBy: 'unreachable', error: unreachable() },
        { stoppedBy: 'unreachable', error: unreachable() },
        { uploaded: 1, stoppedBy: 'idle' },
      ];
    });
    let wake = await h.parked();
    for (let i = 0; i < 5; i++) wake = await advanceTo(h, wake, wake);
    // Gaps 1 s, 2 s, 4 s, then the 8 s ceiling.
    expect(h.engine.at('jobs')).toEqual([0, 1000, 3000, 7000, 15_000, 23_000]);
    expect(wake).toBe(10 * MIN);
  });

  it('retries start-up reconciliation with back-off before running any job, scanning meanwhile', async () => {
    const h = startDaemon({}, (e) => {
      e.reconcileErrors = [unreachable(), unreachable()];
    });
    let wake = await h.parked();
    expect(h.engine.calls.map((c) => c.step)).toEqual(['reconcile', 'pass']);
    wake = await advanceTo(h, 3000, wake);
    expect(h.engine.at('reconcile')).toEqual([0, 1000, 3000]);
    expect(h.engine.at('jobs')).toEqual([3000]);
    expect(wake).toBe(10 * MIN);
  });

  it('survives a failing pass and a job run that throws: both are retried later', async () => {
    const h = startDaemon({}, (e) => {
      e.passErrors = [new Error('disk went away')];
      e.jobs = [new Error('database is locked')];
    });
    const wake = await h.parked();
    expect(wake).toBe(1000);
    await advanceTo(h, 3000, wake);
    expect(h.engine.at('pass')).toEqual([0, 1000]);
    expect(h.engine.at('jobs')).toEqual([0, 1000]);
  });

  it('backs off a failing pass even when the rescan timer is shorter than the back-off', async () => {
    const h = startDaemon({ rescanIntervalMs: 1500 }, (e) => {
      e.passErrors = [new Error('EIO'), new Error('EIO'), new Error('EIO')];
    });
    await advanceTo(h, 7000, await h.parked());
    // Failures at 0, 1 s and 3 s (back-off 1 s, 2 s, 4 s); the pass at 7 s works.
    expect(h.engine.at('pass')).toEqual([0, 1000, 3000, 7000]);
  });

  it('polls every interval while entries are in flight, and stops polling when none are', async () => {
    const h = startDaemon({ pollIntervalMs: 5000 }, (e) => {
      e.inFlight = 2;
    });
    let wake = await h.parked();
    wake = await advanceTo(h, 10_000, wake);
    expect(h.engine.at('poll')).toEqual([100, 5100, 10_100].filter((t) => t <= 10_000));
    h.engine.inFlight = 0;
    wake = await advanceTo(h, 20_000, wake);
    expect(h.engine.at('poll')).toEqual([100, 5100, 10_100]);
    expect(wake).toBe(10 * MIN);
  });

  it('runs the job runner after a poll found entries ready or errored (recreates, predecessor deletes)', async () => {
    const h = startDaemon({ pollIntervalMs: 5000 }, (e) => {
      e.inFlight = 1;
      e.pollResult = { errored: 1, recreatesQueued: 1 };
    });
    const wake = await h.parked();
    await advanceTo(h, 200, wake);
    expect(h.engine.at('poll')).toEqual([100]);
    expect(h.engine.at('jobs')).toEqual([0, 200]);
  });

  it('asks the runner again every minute while an upload is outstanding with no wake time (a job left to its lease)', async () => {
    const h = startDaemon({}, (e) => {
      e.uploading = 1;
      e.jobs = [{ stoppedBy: 'unreachable', error: unreachable() }, { stoppedBy: 'idle', nextWakeAt: null }, { stoppedBy: 'idle', nextWakeAt: null }];
    });
    const wake = await h.parked();
    expect(wake).toBe(1000);
    await advanceTo(h, 61_000, wake);
    expect(h.engine.at('jobs')).toEqual([0, 1000, 61_000]);
  });

  it('ends with stoppedBy auth when the API refuses the secret, at start-up or later', async () => {
    const atStart = startDaemon({}, (e) => {
      e.reconcileErrors = [unauthorised()];
    });
    const first = await atStart.done;
    expect(first.stoppedBy).toBe('auth');
    expect(first.stoppedBy === 'auth' && first.error.status).toBe(401);
    expect(atStart.engine.calls.map((c) => c.step)).toEqual(['reconcile']);

    const later = startDaemon({}, (e) => {
      e.jobs = [{ stoppedBy: 'auth', error: unauthorised() }];
    });
    expect((await later.done).stoppedBy).toBe('auth');
  });

  it('stops on the signal while a job is in hand: the runner gets the abort and the loop returns', async () => {
    const h = startDaemon({}, (e) => {
      e.holdJobs = true;
    });
    for (let i = 0; i < 100 && h.engine.at('jobs').length === 0; i++) await flushMicrotasks(1);
    expect(h.engine.at('jobs')).toEqual([0]);
    expect(await h.stop()).toEqual({ stoppedBy: 'signal' });
  });

  it('stops on the signal while parked, without waiting for the wake-up', async () => {
    const h = startDaemon();
    await h.parked();
    expect(await h.stop()).toEqual({ stoppedBy: 'signal' });
    expect(h.clock.now()).toBe(T0);
  });

  it('hands the pass and the job run a progress callback that reaches the observer (liveness within a round)', async () => {
    const clock = new FakeClock(T0);
    const engine = new ScriptedEngine(clock);
    engine.beats = 3;
    const seen: string[] = [];
    const daemon = createDaemon({
      engine,
      clock,
      log: silent,
      options: { pollIntervalMs: 5000, rescanIntervalMs: 10 * MIN },
      observer: { roundStarting: () => seen.push('round'), progress: () => seen.push('progress'), sleeping: () => seen.push('sleep') },
    });
    const controller = new AbortController();
    stopper = controller;
    const done = daemon.run(controller.signal);
    for (let i = 0; i < 1000 && !seen.includes('sleep'); i++) await flushMicrotasks(1);
    // One round: the catch-up pass beats 3 times, the job run 3 times, then the loop parks.
    expect(seen).toEqual(['round', ...Array(6).fill('progress'), 'sleep']);
    controller.abort();
    await done;
  });

  it('rejects nonsense options with the option named', () => {
    expect(() => createDaemon({ engine: new ScriptedEngine(new FakeClock()), clock: new FakeClock(), log: silent, options: { pollIntervalMs: 0, rescanIntervalMs: 1 } })).toThrow(
      'Expected `pollIntervalMs` to be a finite number > 0, got `0`',
    );
  });
});
