/**
 * The front doors that loop come back for files a pass found still being written: `sync --wait`
 * runs another pass once they have settled (instead of ending as done), and the watch daemon
 * schedules a pass at their settle time. Scripted engines on a FakeClock.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine, EngineSummary } from '../../src/engine/create-engine.js';
import { createDaemon } from '../../src/engine/daemon.js';
import { emptyCounts, type SyncPassReport } from '../../src/engine/pass-report.js';
import { runSync } from '../../src/engine/sync-run.js';
import { emptyPollResult } from '../../src/status/poller.js';
import { DOCUMENT_STATES, type DocumentState } from '../../src/store/documents.js';
import type { RunSummary } from '../../src/uploader/index.js';
import { FakeClock, flushMicrotasks } from '../support/fake-clock.js';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const SETTLE_AT = T0 + 700;
const silent = pino({ level: 'silent' });

/** The first pass finds one file still being written (settled at SETTLE_AT); later passes find it settled. */
class SettlingEngine {
  readonly passes: number[] = [];
  readonly uploads: number[] = [];
  #queued = 0;

  constructor(private readonly clock: FakeClock) {}

  async reconcile() {
    return { adopted: 0, deletedOrphans: 0, requeued: 0, listed: 0, unknown: 0, replicas: 1 };
  }

  async syncPass(): Promise<SyncPassReport> {
    const now = this.clock.now();
    this.passes.push(now - T0);
    const settling = now < SETTLE_AT;
    if (!settling && this.uploads.length === 0) this.#queued = 1;
    const counts = { ...emptyCounts(), scanned: 1, settling: settling ? 1 : 0, create: settling ? 0 : 1 };
    return { counts, rejected: [], held: [], scanProblems: [], deferred: [], settlingUntil: settling ? SETTLE_AT : null } as unknown as SyncPassReport;
  }

  async runJobs(): Promise<RunSummary> {
    const uploaded = this.#queued;
    if (uploaded > 0) this.uploads.push(this.clock.now() - T0);
    this.#queued = 0;
    return { uploaded, adopted: 0, deleted: 0, renamed: 0, updated: 0, failed: 0, released: 0, outages: 0, nextWakeAt: null, stoppedBy: 'idle' };
  }

  async pollOnce() {
    return emptyPollResult();
  }

  async unadopted() {
    return [];
  }

  async summary(): Promise<EngineSummary> {
    const documents = Object.fromEntries(DOCUMENT_STATES.map((s) => [s, 0])) as Record<DocumentState, number>;
    documents.queued = this.#queued;
    documents.ready = this.uploads.length;
    return {
      at: this.clock.now(),
      documents,
      budget: { scope: 's', limit: 10, windowMs: 3_600_000, used: 0, remaining: 10, nextFreeAt: this.clock.now(), blockedUntil: null, blockedReason: null },
      queuedUploads: this.#queued,
      nextUploadAt: this.#queued > 0 ? this.clock.now() : null,
      eta: { uploads: 0, firstSlotAt: null, lastSlotAt: null },
      paused: [],
      pausedSources: [],
      heldByPause: 0,
    };
  }
}

let stopper: AbortController | undefined;
afterEach(() => stopper?.abort());

describe('settling files in looping front doors', () => {
  it('sync without --wait reports the settling file and ends the round without uploading it', async () => {
    const clock = new FakeClock(T0, { autoAdvance: true });
    const engine = new SettlingEngine(clock);
    const result = await runSync(engine as unknown as Engine, clock, { pollIntervalMs: 5000 });
    expect(result.stoppedBy).toBe('round');
    expect(result.pass.counts.settling).toBe(1);
    expect(engine.uploads).toEqual([]);
  });

  it('sync --wait does not end as done while a file settles: it scans again once settled and uploads it once', async () => {
    const clock = new FakeClock(T0, { autoAdvance: true });
    const engine = new SettlingEngine(clock);
    const result = await runSync(engine as unknown as Engine, clock, { wait: true, maxWaitMs: 60_000, pollIntervalMs: 5000 });
    expect(result.stoppedBy).toBe('done');
    expect(result.passes).toBe(2);
    expect(engine.passes[1]).toBeGreaterThanOrEqual(SETTLE_AT - T0);
    // One sleep to the settle time (floored at a second), not a spin of passes.
    expect(engine.passes[1]).toBeLessThanOrEqual(1000);
    expect(engine.uploads).toHaveLength(1);
    expect(result.pass.counts.settling).toBe(0);
  });

  it('the watch daemon schedules a pass at the settle time, long before the next rescan', async () => {
    const clock = new FakeClock(T0);
    const engine = new SettlingEngine(clock);
    const sleeps: number[] = [];
    const daemon = createDaemon({
      engine,
      clock,
      log: silent,
      options: { pollIntervalMs: 5000, rescanIntervalMs: 10 * 60_000 },
      observer: { sleeping: (until) => sleeps.push(until - T0) },
    });
    const controller = new AbortController();
    stopper = controller;
    const done = daemon.run(controller.signal);
    const parked = async (count: number) => {
      for (let i = 0; i < 1000 && sleeps.length < count; i++) await flushMicrotasks(1);
      expect(sleeps.length, 'the daemon never parked').toBeGreaterThanOrEqual(count);
    };

    await parked(1);
    expect(engine.passes).toEqual([0]);
    expect(sleeps[0]).toBe(SETTLE_AT - T0);
    await clock.advance(SETTLE_AT - T0);
    await parked(2);
    expect(engine.passes).toEqual([0, SETTLE_AT - T0]);
    expect(engine.uploads).toEqual([SETTLE_AT - T0]);

    controller.abort(new Error('test stop'));
    await expect(done).resolves.toEqual({ stoppedBy: 'signal' });
  });
});
