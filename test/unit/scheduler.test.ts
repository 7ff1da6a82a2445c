import { describe, expect, it } from 'vitest';
import { createTestLogger } from '../../src/cli/logger.js';
import { clockTicks, OverlapGuard, parseCron, runSchedule, type RunVerdict } from '../../src/engine/scheduler.js';
import { FakeClock, flushMicrotasks } from '../support/fake-clock.js';

const START = Date.UTC(2026, 0, 1, 0, 0, 0, 500);

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

function everySecond(clock: FakeClock) {
  const parsed = parseCron('* * * * * *', clock.now());
  if (!parsed.ok) throw new Error(parsed.detail);
  return clockTicks(parsed.schedule, clock);
}

/** A schedule whose runs each wait for the test to finish them. */
function harness(clock: FakeClock) {
  const { log, sink } = createTestLogger();
  const pending: ReturnType<typeof deferred<RunVerdict>>[] = [];
  const signals: AbortSignal[] = [];
  const skipped: number[] = [];
  const stop = new AbortController();
  const done = runSchedule(
    {
      clock,
      log,
      ticks: everySecond(clock),
      run: (signal) => {
        signals.push(signal);
        const d = deferred<RunVerdict>();
        pending.push(d);
        return d.promise;
      },
      onSkip: (tick) => skipped.push(tick.at),
    },
    stop.signal,
  );
  return { done, pending, signals, skipped, stop, sink };
}

describe('parseCron', () => {
  it('computes the next run times of a five-field expression', () => {
    const parsed = parseCron('*/15 * * * *', Date.UTC(2026, 0, 1, 0, 7, 30));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const next = parsed.schedule.nextRuns(Date.UTC(2026, 0, 1, 0, 7, 30), 3).map((t) => new Date(t).toISOString());
    expect(next).toEqual(['2026-01-01T00:15:00.000Z', '2026-01-01T00:30:00.000Z', '2026-01-01T00:45:00.000Z']);
  });

  it('names the problem of an invalid expression', () => {
    expect(parseCron('every 5 minutes', START)).toMatchObject({ ok: false, reason: 'INVALID_CRON', detail: expect.stringMatching(/five or six/) });
    expect(parseCron('61 * * * *', START)).toMatchObject({ ok: false, reason: 'INVALID_CRON', detail: expect.stringMatching(/minute: 61/) });
  });

  it('refuses an expression that never fires (30 February)', () => {
    expect(parseCron('0 0 30 2 *', START)).toMatchObject({ ok: false, reason: 'NEVER_RUNS' });
  });
});

describe('OverlapGuard', () => {
  it('lets one run in at a time and reports since when the other has been going', () => {
    const guard = new OverlapGuard();
    expect(guard.tryEnter(1000)).toEqual({ ok: true });
    expect(guard.tryEnter(2000)).toEqual({ ok: false, runningSince: 1000 });
    guard.leave();
    expect(guard.tryEnter(3000)).toEqual({ ok: true });
  });
});

describe('runSchedule on a FakeClock', () => {
  it('runs on the first tick, skips (and logs) a tick that comes during the run, runs again on the next tick', async () => {
    const clock = new FakeClock(START);
    const h = harness(clock);
    await flushMicrotasks();
    expect(h.pending).toHaveLength(0);

    await clock.advance(1000); // 00:00:01.5 — tick at :01
    expect(h.pending).toHaveLength(1);

    await clock.advance(1000); // tick at :02 while run 1 is going
    expect(h.pending).toHaveLength(1);
    expect(h.skipped).toEqual([Date.UTC(2026, 0, 1, 0, 0, 2)]);
    expect(h.sink.records().some((r) => r.msg === 'tick skipped: the previous run is still going' && r.run === 1)).toBe(true);

    h.pending[0]!.resolve({ next: 'continue' });
    await flushMicrotasks();
    await clock.advance(1000); // tick at :03: free again
    expect(h.pending).toHaveLength(2);

    h.pending[1]!.resolve({ next: 'continue' });
    h.stop.abort(new Error('SIGTERM'));
    expect(await h.done).toEqual({ runs: 2, skipped: 1, failed: 0, stoppedBy: 'signal' });
  });

  it('a stop request aborts the run in hand and waits for it to settle', async () => {
    const clock = new FakeClock(START);
    const h = harness(clock);
    await clock.advance(1000);
    expect(h.pending).toHaveLength(1);

    let settled = false;
    void h.done.then(() => (settled = true));
    h.stop.abort(new Error('SIGINT'));
    await flushMicrotasks();
    expect(h.signals[0]!.aborted).toBe(true);
    expect(settled).toBe(false);

    h.pending[0]!.resolve({ next: 'continue' });
    expect(await h.done).toMatchObject({ runs: 1, stoppedBy: 'signal' });
  });

  it('a run that throws is counted and logged, and the schedule carries on', async () => {
    const clock = new FakeClock(START);
    const h = harness(clock);
    await clock.advance(1000);
    h.pending[0]!.reject(new Error('API unreachable'));
    await flushMicrotasks();
    await clock.advance(1000);
    expect(h.pending).toHaveLength(2);
    expect(h.sink.records().some((r) => r.msg === 'scheduled run failed; the schedule carries on')).toBe(true);

    h.pending[1]!.resolve({ next: 'continue' });
    h.stop.abort();
    expect(await h.done).toMatchObject({ runs: 2, failed: 1, skipped: 0 });
  });

  it('a run that says stop (an auth failure) ends the schedule: no further tick runs', async () => {
    const clock = new FakeClock(START);
    const h = harness(clock);
    await clock.advance(1000);
    h.pending[0]!.resolve({ next: 'stop', reason: 'UNAUTHORIZED' });
    expect(await h.done).toEqual({ runs: 1, skipped: 0, failed: 0, stoppedBy: 'run', reason: 'UNAUTHORIZED' });
    await clock.advance(5000);
    expect(h.pending).toHaveLength(1);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('ticks on schedule times read from the clock, whatever the sleep granularity', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1, 0, 0, 0));
    const parsed = parseCron('*/15 * * * *', clock.now());
    if (!parsed.ok) throw new Error(parsed.detail);
    const ticks: string[] = [];
    const stop = new AbortController();
    const running = clockTicks(parsed.schedule, clock, 60_000).run((at) => ticks.push(new Date(at).toISOString()), stop.signal);
    await clock.advance(31 * 60_000);
    expect(ticks).toEqual(['2026-01-01T00:15:00.000Z', '2026-01-01T00:30:00.000Z']);
    stop.abort();
    await running;
  });

  it('collapses runs missed while the host slept into one tick', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1, 0, 0, 0));
    const parsed = parseCron('* * * * *', clock.now());
    if (!parsed.ok) throw new Error(parsed.detail);
    const ticks: number[] = [];
    const stop = new AbortController();
    const running = clockTicks(parsed.schedule, clock).run((at) => ticks.push(at), stop.signal);
    await flushMicrotasks();
    clock.set(Date.UTC(2026, 0, 1, 3, 0, 30)); // a jump: three hours suspended
    await clock.advance(60_000);
    // The run due before the jump fires once, late; the three hours missed are not replayed.
    expect(ticks).toEqual([Date.UTC(2026, 0, 1, 0, 1, 0), Date.UTC(2026, 0, 1, 3, 1, 0)]);
    stop.abort();
    await running;
  });
});
