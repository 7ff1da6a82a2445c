import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DEFAULT_START_TIMEOUT_MS, normaliseOptions } from '../../src/extractors/pool-config.js';
import { startBackoffMs, Supervisor } from '../../src/extractors/pool-supervise.js';
import type { PoolStats, WorkerSlot } from '../../src/extractors/pool-types.js';
import { FakeClock, flushMicrotasks } from '../support/fake-clock.js';

const silent = pino({ level: 'silent' });

describe('startBackoffMs', () => {
  it('waits 1 s after a failed start, doubling per failure in a row, never more than a minute', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 100].map(startBackoffMs)).toEqual([0, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
  });
});

describe('the start timeout', () => {
  const stats = (): PoolStats => ({ peakWorkerRssBytes: 0, workersStarted: 0, startFailures: 0, idleExits: 0, tasks: 0, splitFiles: 0 });
  /** The slot's process is never touched by the countdown: only its state is read. */
  const slot = (): WorkerSlot => ({ child: {} as WorkerSlot['child'], state: 'starting', stderrTail: '' });
  const supervisor = (clock: FakeClock, startTimeoutMs?: number) =>
    new Supervisor({ config: normaliseOptions({ log: silent, ...(startTimeoutMs !== undefined && { startTimeoutMs }) }), clock, log: silent, stats: stats() });

  it('defaults to 60 s and rejects nonsense with the option named', () => {
    expect(normaliseOptions({ log: silent }).startTimeoutMs).toBe(DEFAULT_START_TIMEOUT_MS);
    expect(DEFAULT_START_TIMEOUT_MS).toBe(60_000);
    expect(() => normaliseOptions({ log: silent, startTimeoutMs: 0 })).toThrow('Expected `startTimeoutMs` to be a finite number > 0, got `0`');
  });

  it('calls timedOut once a worker is still starting after startTimeoutMs of the injected clock, not before', async () => {
    const clock = new FakeClock();
    const hung = slot();
    const timedOut: WorkerSlot[] = [];
    supervisor(clock, 5_000).awaitStart(hung, (s) => timedOut.push(s));
    await clock.advance(4_999);
    expect(timedOut).toEqual([]);
    await clock.advance(1);
    expect(timedOut).toEqual([hung]);
  });

  it('does nothing for a worker that said ready, or exited, in time', async () => {
    const clock = new FakeClock();
    const s = supervisor(clock, 5_000);
    const ready = slot();
    const exited = slot();
    const timedOut: WorkerSlot[] = [];
    s.awaitStart(ready, (x) => timedOut.push(x));
    s.awaitStart(exited, (x) => timedOut.push(x));
    ready.state = 'ready';
    s.started(ready);
    exited.state = 'dying';
    s.started(exited);
    await clock.advance(10_000);
    await flushMicrotasks();
    expect(timedOut).toEqual([]);
    expect(clock.pendingSleeps).toBe(0);
  });
});
