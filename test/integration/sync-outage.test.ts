/**
 * `sync` and the daemon when the API fails every create without creating anything (outages,
 * issue 8 §1): sync exits as unreachable when nothing could be done (without --wait at once,
 * with --wait once the outage outlasts its patience); the daemon keeps going. A redirect stops both
 * as a configuration error. Scripted engines on a FakeClock.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine, EngineSummary } from '../../src/engine/create-engine.js';
import { createDaemon } from '../../src/engine/daemon.js';
import type { SyncPassReport } from '../../src/engine/pass-report.js';
import { OUTAGE_PATIENCE_MS, runSync } from '../../src/engine/sync-run.js';
import { SensayApiError } from '../../src/sensay/errors.js';
import { emptyPollResult } from '../../src/status/poller.js';
import { DOCUMENT_STATES, type DocumentState } from '../../src/store/documents.js';
import type { RunSummary, StopReason } from '../../src/uploader/index.js';
import { FakeClock } from '../support/fake-clock.js';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const silent = pino({ level: 'silent' });
const outageError = new SensayApiError({ code: 'SERVER_ERROR', status: 503, message: 'Service Unavailable', method: 'POST', path: '/v1/replicas/r/knowledge-base' });
const redirectError = new SensayApiError({ code: 'UNEXPECTED_REDIRECT', status: 308, message: 'Redirect 308 not followed', method: 'POST', path: '/v1/replicas/r/knowledge-base' });

/** One queued document; every job run ends as scripted (`outage` until `healsAt`, then uploaded). */
class OutageEngine {
  runs = 0;
  #uploaded = false;
  constructor(
    private readonly clock: FakeClock,
    private readonly script: { healsAt?: number; stop?: StopReason } = {},
  ) {}

  async unadopted() {
    return [];
  }
  async reconcile() {
    return { adopted: 0, deletedOrphans: 0, requeued: 0, replicas: 1, listed: 0, unknown: 0 };
  }
  async syncPass(): Promise<SyncPassReport> {
    return { counts: {}, rejected: [], held: [], scanProblems: [], deferred: [], settlingUntil: null } as unknown as SyncPassReport;
  }
  async runJobs(): Promise<RunSummary> {
    this.runs++;
    const base = { uploaded: 0, adopted: 0, deleted: 0, renamed: 0, updated: 0, failed: 0, released: 0, outages: 0 };
    if (this.script.stop === 'config') return { ...base, released: 1, nextWakeAt: null, stoppedBy: 'config', error: redirectError };
    if (this.script.healsAt !== undefined && this.clock.now() >= this.script.healsAt) {
      this.#uploaded = true;
      return { ...base, uploaded: 1, nextWakeAt: null, stoppedBy: 'idle' };
    }
    return { ...base, released: 1, outages: 1, nextWakeAt: this.clock.now() + 5_000, stoppedBy: 'outage', error: outageError };
  }
  async pollOnce() {
    return emptyPollResult();
  }
  async summary(): Promise<EngineSummary> {
    const documents = Object.fromEntries(DOCUMENT_STATES.map((s) => [s, 0])) as Record<DocumentState, number>;
    documents[this.#uploaded ? 'ready' : 'queued'] = 1;
    return {
      at: this.clock.now(),
      documents,
      budget: { scope: 's', limit: 10, windowMs: 3_600_000, used: 0, remaining: 10, nextFreeAt: this.clock.now(), blockedUntil: null, blockedReason: null },
      queuedUploads: this.#uploaded ? 0 : 1,
      nextUploadAt: this.#uploaded ? null : this.clock.now() + 5_000,
      eta: { uploads: 0, firstSlotAt: null, lastSlotAt: null },
      paused: [],
      pausedSources: [],
      heldByPause: 0,
    };
  }
}

let stopper: AbortController | undefined;
afterEach(() => stopper?.abort());

describe('sync during an API outage', () => {
  it('without --wait: nothing could be done, so it stops as unreachable with the API error (exit 4)', async () => {
    const clock = new FakeClock(T0, { autoAdvance: true });
    const result = await runSync(new OutageEngine(clock) as unknown as Engine, clock, { pollIntervalMs: 5000 });
    expect(result).toMatchObject({ stoppedBy: 'unreachable', error: { status: 503 }, jobs: { outages: 1, released: 1 } });
  });

  it('with --wait: retries on the outage backoff and finishes once the API answers again', async () => {
    const clock = new FakeClock(T0, { autoAdvance: true });
    const engine = new OutageEngine(clock, { healsAt: T0 + 60_000 });
    const result = await runSync(engine as unknown as Engine, clock, { wait: true, pollIntervalMs: 5000 });
    expect(result.stoppedBy).toBe('done');
    expect(result.jobs.uploaded).toBe(1);
    expect(result.jobs.outages).toBeGreaterThan(5);
  });

  it('with --wait: gives up as unreachable once the API stayed unavailable past its patience', async () => {
    const clock = new FakeClock(T0, { autoAdvance: true });
    const engine = new OutageEngine(clock);
    const result = await runSync(engine as unknown as Engine, clock, { wait: true, pollIntervalMs: 5000 });
    expect(result.stoppedBy).toBe('unreachable');
    expect(clock.now() - T0).toBeGreaterThanOrEqual(OUTAGE_PATIENCE_MS);
    expect(clock.now() - T0).toBeLessThan(OUTAGE_PATIENCE_MS + 10_000);
  });

  it('a redirect stops sync as a configuration error', async () => {
    const clock = new FakeClock(T0, { autoAdvance: true });
    const result = await runSync(new OutageEngine(clock, { stop: 'config' }) as unknown as Engine, clock, { wait: true, pollIntervalMs: 5000 });
    expect(result).toMatchObject({ stoppedBy: 'config', error: { code: 'UNEXPECTED_REDIRECT' } });
  });
});

describe('the daemon during an API outage', () => {
  it('keeps going through the outage and uploads once the API answers', async () => {
    const clock = new FakeClock(T0, { autoAdvance: true });
    const engine = new OutageEngine(clock, { healsAt: T0 + 20 * 60_000 });
    const controller = new AbortController();
    stopper = controller;
    const jobs: RunSummary[] = [];
    const daemon = createDaemon({
      engine,
      clock,
      log: silent,
      options: { pollIntervalMs: 5000, rescanIntervalMs: 60 * 60_000 },
      observer: {
        jobs: (run) => {
          jobs.push(run);
          if (run.uploaded > 0) controller.abort();
        },
      },
    });
    expect(await daemon.run(controller.signal)).toEqual({ stoppedBy: 'signal' });
    expect(jobs.at(-1)?.uploaded).toBe(1);
    expect(jobs.filter((r) => r.stoppedBy === 'outage').length).toBeGreaterThan(3);
  });

  it('stops as a configuration error when the API redirects', async () => {
    const clock = new FakeClock(T0, { autoAdvance: true });
    const daemon = createDaemon({
      engine: new OutageEngine(clock, { stop: 'config' }),
      clock,
      log: silent,
      options: { pollIntervalMs: 5000, rescanIntervalMs: 60 * 60_000 },
    });
    const controller = new AbortController();
    stopper = controller;
    expect(await daemon.run(controller.signal)).toMatchObject({ stoppedBy: 'config', error: { code: 'UNEXPECTED_REDIRECT' } });
  });
});
