/**
 * The daemon with the real engine (SQLite store, extractor pool, API client) against the
 * simulator, all on one FakeClock: with the hourly budget spent it parks until the budget's
 * wake time, then uploads the rest. An hour passes in milliseconds.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/create-engine.js';
import { createDaemon } from '../../src/engine/daemon.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { warmPool } from '../support/warm-pool.js';
import { FakeClock } from '../support/fake-clock.js';
import { makeEngineFolder, silentLog, simulatorClient, type EngineFolder } from './engine-harness.js';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const MIN = 60_000;

let folder: EngineFolder;
let clock: FakeClock;
let sim: Simulator;
let engine: Engine;
const stop = new AbortController();

beforeEach(async () => {
  folder = await makeEngineFolder('daemon-budget-');
  clock = new FakeClock(T0);
  sim = await startSimulator({ clock, timeline: { stepMs: 1000 } });
  const config = folder.config({ baseUrl: sim.url, uploadsPerHour: 10 });
  const store = await openSqliteStore({ path: folder.statePath });
  const api = simulatorClient(sim, clock, config);
  const extractor = await warmPool({ workers: 2, log: silentLog, taskTimeoutMs: 20_000 });
  engine = createEngine({ clock, store, api, extractor, log: silentLog, config, owner: 'daemon-test:1:bbbbbb' });
}, 120_000);

afterEach(async () => {
  stop.abort();
  await engine.close();
  await sim.close();
  await folder.remove();
});

describe('daemon with the real engine', () => {
  it('uploads 10 of 12 files, parks until the oldest slot frees an hour later, then uploads the other 2', async () => {
    for (let i = 0; i < 12; i++) await folder.write(`note-${String(i).padStart(2, '0')}.txt`, `note number ${i}\n`);
    const sleeps: number[] = [];
    const daemon = createDaemon({
      engine,
      clock,
      log: silentLog,
      options: { pollIntervalMs: 5000, rescanIntervalMs: 120 * MIN },
      observer: { sleeping: (until) => sleeps.push(until) },
    });
    const done = daemon.run(stop.signal);

    let seen = 0;
    const parked = async (): Promise<number> => {
      // Real I/O (child-process extraction, SQLite, HTTP) runs between fake-clock wake-ups.
      const deadline = Date.now() + 15_000;
      while (sleeps.length <= seen && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
      expect(sleeps.length, 'the daemon never parked').toBeGreaterThan(seen);
      seen = sleeps.length;
      return sleeps[sleeps.length - 1]!;
    };
    const live = () => sim.entries().filter((e) => !e.deleted);

    // Polls move the first ten to READY; after that nothing is due until the budget frees up.
    let wake = await parked();
    let wakeUps = 0;
    while (wake - clock.now() < 30 * MIN) {
      expect(++wakeUps, 'the daemon keeps waking with nothing to do').toBeLessThan(40);
      await clock.advance(wake - clock.now());
      wake = await parked();
    }
    expect(live()).toHaveLength(10);
    expect(live().every((e) => e.status === 'READY')).toBe(true);
    expect(wake).toBe(T0 + 60 * MIN);

    await clock.advance(wake - clock.now());
    for (let i = 0; i < 40 && !(live().length === 12 && live().every((e) => e.status === 'READY')); i++) {
      wake = await parked();
      await clock.advance(Math.max(0, wake - clock.now()));
    }
    expect(live()).toHaveLength(12);
    expect(live().every((e) => e.status === 'READY')).toBe(true);
    expect(sim.stats().creates).toBe(12);

    stop.abort();
    expect(await done).toEqual({ stoppedBy: 'signal' });
  });
});
