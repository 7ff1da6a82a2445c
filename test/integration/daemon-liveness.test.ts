/**
 * Liveness during a long first pass, through the real wiring: the daemon with the real engine
 * (SQLite store, extractor pool, API client against the simulator), the `watch` command's
 * observer, the heartbeat and the status server, all on one FakeClock. Extraction is made slow
 * on that clock (each file takes 2 s of it), so the catch-up pass runs far longer than 3 poll
 * intervals; /healthz must stay 200 throughout because the pass beats as it moves on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { observerFor } from '../../src/cli/commands/watch.js';
import { createApiReachability } from '../../src/daemon/api-reachability.js';
import { livenessProblems } from '../../src/daemon/health-decisions.js';
import { startStatusServer, type StatusServer } from '../../src/daemon/http-server.js';
import { createLoopHeartbeat } from '../../src/daemon/loop-heartbeat.js';
import { createDaemonMetrics } from '../../src/daemon/metrics.js';
import { createEngine, type Engine } from '../../src/engine/create-engine.js';
import { createDaemon } from '../../src/engine/daemon.js';
import type { Extractor } from '../../src/extractors/extraction.js';
import type { ExtractorPool } from '../../src/extractors/pool.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { warmPool } from '../support/warm-pool.js';
import { makeEngineFolder, silentLog, testApiClient, type EngineFolder } from './engine-harness.js';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const POLL_MS = 5_000;
const FILES = 30;
const PER_FILE_MS = 2_000;

let folder: EngineFolder;
let clock: FakeClock;
let sim: Simulator;
let pool: ExtractorPool;
let engine: Engine;
let server: StatusServer;
const stop = new AbortController();

/** The real pool, each file taking PER_FILE_MS of the fake clock first; `each` runs after that wait. */
function slowOnTheClock(real: Extractor, each: () => Promise<void>): Extractor {
  const slow = async () => {
    await clock.advance(PER_FILE_MS);
    await each();
  };
  return {
    extract: async (path, options) => (await slow(), real.extract(path, options)),
    validate: async (path, options) => (await slow(), real.validate(path, options)),
  };
}

beforeEach(async () => {
  folder = await makeEngineFolder('daemon-liveness-');
  clock = new FakeClock(T0);
  sim = await startSimulator({ clock, timeline: { stepMs: 1000 } });
  pool = await warmPool({ workers: 2, log: silentLog, taskTimeoutMs: 20_000 });
}, 120_000);

afterEach(async () => {
  stop.abort();
  await server?.close();
  await engine?.close();
  await pool.close();
  await sim.close();
  await folder.remove();
});

describe('liveness during a long first pass', () => {
  it('keeps /healthz at 200 through a catch-up pass lasting 12 poll intervals, because the pass beats on progress', async () => {
    for (let i = 0; i < FILES; i++) await folder.write(`d${i % 3}/note-${String(i).padStart(2, '0')}.md`, `# Note ${i}\n\nabout item ${i}\n`);
    const config = folder.config({ baseUrl: sim.url, uploadsPerHour: 100, status: { pollIntervalSeconds: POLL_MS / 1000 } });
    const store = await openSqliteStore({ path: folder.statePath });
    const api = testApiClient(sim, clock, config.api.apiVersion);
    const heartbeat = createLoopHeartbeat(clock);
    // Control: the same loop seen only through its round boundaries (what liveness read before).
    const roundsOnly = createLoopHeartbeat(clock);
    const metrics = createDaemonMetrics({ processMetrics: false });
    const reachability = createApiReachability(clock);
    const health = { loop: () => heartbeat.vitals(), apiDownSince: () => reachability.downSince(), pollIntervalMs: POLL_MS, unhealthyAfterMs: 600_000 };
    server = await startStatusServer({ port: 0, host: '127.0.0.1', clock, log: silentLog, startedAt: T0, summary: () => engine.summary(), metrics, health });

    const probes: { status: number; reasons: unknown; controlStuck: boolean }[] = [];
    const probe = async () => {
      const res = await fetch(`${server.url}/healthz`);
      const body = (await res.json()) as { reasons: unknown };
      probes.push({ status: res.status, reasons: body.reasons, controlStuck: livenessProblems(roundsOnly.vitals(), clock.now(), POLL_MS).length > 0 });
    };
    const extractor = slowOnTheClock(pool, probe);
    engine = createEngine({ clock, store, api, extractor, log: silentLog, config, owner: 'daemon-liveness:1:cccccc' });

    const observer = observerFor(metrics, heartbeat, undefined, undefined);
    const passes: number[] = [];
    const daemon = createDaemon({
      engine,
      clock,
      log: silentLog,
      options: { pollIntervalMs: POLL_MS, rescanIntervalMs: 600_000, quietMs: 0 },
      observer: {
        ...observer,
        roundStarting: () => (observer.roundStarting?.(), roundsOnly.roundStarting()),
        sleeping: (until) => (observer.sleeping?.(until), roundsOnly.sleeping(until)),
        pass: (report) => (observer.pass?.(report), passes.push(report.counts.extracted)),
      },
    });
    const done = daemon.run(stop.signal);
    const deadline = Date.now() + 60_000;
    while (passes.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));

    expect(passes).toEqual([FILES]);
    expect(probes).toHaveLength(FILES);
    // The pass took FILES × 2 s = 60 s of the clock, 12 poll intervals: a round-only view calls it stuck…
    expect(probes.some((p) => p.controlStuck)).toBe(true);
    // …while /healthz, fed by progress, never did.
    expect(probes.filter((p) => p.status !== 200)).toEqual([]);
    stop.abort();
    await done;
  }, 120_000);
});
