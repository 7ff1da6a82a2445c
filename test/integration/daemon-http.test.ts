import { pino, type Logger } from 'pino';
import { createRootLogger, LineSink } from '../../src/cli/logger.js';
import { createApiReachability } from '../../src/daemon/api-reachability.js';
import { createLoopHeartbeat } from '../../src/daemon/loop-heartbeat.js';
import type { ReplicaPause } from '../../src/store/store.js';
import { pauseReason } from '../../src/uploader/pause-reasons.js';
import { afterEach, describe, expect, it } from 'vitest';
import { tapApiErrors } from '../../src/daemon/api-error-tap.js';
import { startStatusServer, type StatusServer } from '../../src/daemon/http-server.js';
import { createDaemonMetrics, type DaemonMetrics } from '../../src/daemon/metrics.js';
import type { EngineSummary } from '../../src/engine/create-engine.js';
import type { SensayClient } from '../../src/sensay/client.js';
import { SensayApiError } from '../../src/sensay/errors.js';
import { emptyPollResult } from '../../src/status/poller.js';
import { DOCUMENT_STATES, type DocumentState } from '../../src/store/documents.js';
import { FakeClock } from '../support/fake-clock.js';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const silent = pino({ level: 'silent' });

function summaryAt(now: number, counts: Partial<Record<DocumentState, number>>): EngineSummary {
  const documents = Object.fromEntries(DOCUMENT_STATES.map((s) => [s, counts[s] ?? 0])) as Record<DocumentState, number>;
  return {
    at: now,
    documents,
    budget: { scope: 's', limit: 10, windowMs: 3_600_000, used: 4, remaining: 6, nextFreeAt: now, blockedUntil: null, blockedReason: null },
    queuedUploads: 2,
    nextUploadAt: now,
    eta: { uploads: 2, firstSlotAt: now, lastSlotAt: now },
    paused: [],
    pausedSources: [],
    heldByPause: 0,
  };
}

let server: StatusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const POLL_MS = 30_000;

async function serve(
  summary: () => Promise<EngineSummary>,
  metrics: DaemonMetrics = createDaemonMetrics({ processMetrics: false }),
  log: Logger = silent,
) {
  const clock = new FakeClock(T0 + 90_000);
  const heartbeat = createLoopHeartbeat(clock);
  const reachability = createApiReachability(clock);
  const health = { loop: () => heartbeat.vitals(), apiDownSince: () => reachability.downSince(), pollIntervalMs: POLL_MS, unhealthyAfterMs: 600_000 };
  server = await startStatusServer({ port: 0, host: '127.0.0.1', clock, log, startedAt: T0, summary, metrics, health });
  return { url: server.url, metrics, clock, heartbeat, reachability };
}

describe('daemon status endpoints', () => {
  it('GET /healthz answers 200 with uptime, documents by state and the budget', async () => {
    const { url } = await serve(async () => summaryAt(T0 + 90_000, { ready: 3, processing: 1, rejected: 1 }));
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      uptimeSeconds: 90,
      reasons: [],
      totals: { ready: 3, processing: 1, queued: 0, failed: 0, rejected: 1 },
      documents: { ready: 3, processing: 1, rejected: 1, queued: 0 },
      budget: { limit: 10, used: 4, remaining: 6, blockedUntil: null },
    });
  });

  it('a store that cannot be read: /healthz stays live (without totals), /readyz and /metrics answer 503 STORE_UNUSABLE, and no body shows the path or the error text', async () => {
    const statePath = '/srv/secret-place/state.db';
    const broken = Object.assign(new Error(`unable to open database file ${statePath}`), { code: 'SQLITE_CANTOPEN' });
    const sink = new LineSink();
    const log = createRootLogger({ level: 'warn', pretty: false, destination: sink, secrets: [] });
    const { url } = await serve(async () => {
      throw broken;
    }, undefined, log);
    const live = await fetch(`${url}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok', uptimeSeconds: 90, reasons: [] });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    const readyText = await ready.text();
    expect(JSON.parse(readyText)).toEqual({ status: 'unavailable', uptimeSeconds: 90, reasons: [{ code: 'STORE_UNUSABLE' }] });
    const metricsRes = await fetch(`${url}/metrics`);
    expect(metricsRes.status).toBe(503);
    for (const body of [readyText, await metricsRes.text()]) {
      expect(body).not.toContain(statePath);
      expect(body).not.toContain('unable to open');
      expect(body).not.toContain('SQLITE_CANTOPEN');
    }
    // The operator still finds the cause in the log.
    expect(sink.text()).toContain('SQLITE_CANTOPEN');
  });

  it('/healthz answers 503 LOOP_STUCK once a round has run longer than 3 poll intervals, on the injected clock', async () => {
    const { url, clock, heartbeat } = await serve(async () => summaryAt(T0, {}));
    heartbeat.roundStarting();
    await clock.advance(3 * POLL_MS);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await clock.advance(1000);
    const stuck = await fetch(`${url}/healthz`);
    expect(stuck.status).toBe(503);
    expect(await stuck.json()).toMatchObject({ status: 'unavailable', reasons: [{ code: 'LOOP_STUCK', forSeconds: 91 }], totals: { ready: 0 } });
    expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ reasons: [{ code: 'LOOP_STUCK' }] });
    heartbeat.sleeping(clock.now() + 600_000);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('/readyz answers 503 API_UNREACHABLE past the threshold and QUOTA_PAUSED for a paused replica; 200 "ready" otherwise', async () => {
    const paused: ReplicaPause[] = [];
    const { url, clock, reachability, heartbeat } = await serve(async () => ({ ...summaryAt(T0, {}), paused }));
    // An idle loop asleep until its next rescan is live however long that is.
    heartbeat.sleeping(clock.now() + 20 * 60_000);
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready', uptimeSeconds: 90, reasons: [] });
    reachability.failed(new SensayApiError({ code: 'UNREACHABLE', message: 'refused', method: 'GET', path: '/x' }));
    await clock.advance(600_000);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    await clock.advance(1000);
    paused.push({ replicaUUID: 'r-1', reason: pauseReason('quota', 'r-1'), until: null });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { reasons: unknown }).reasons).toEqual([
      { code: 'API_UNREACHABLE', forSeconds: 601 },
      { code: 'QUOTA_PAUSED', replicaUUID: 'r-1' },
    ]);
    // Liveness is about the loop only.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('GET /metrics serves Prometheus text: document gauges, counters fed by the loop, budget, last poll', async () => {
    const { url, metrics } = await serve(async () => summaryAt(T0, { ready: 3, processing: 2 }));
    metrics.recordJobs({ uploaded: 2, adopted: 0, deleted: 1, renamed: 0, updated: 0, failed: 0, released: 0, outages: 0, nextWakeAt: null, stoppedBy: 'idle' });
    metrics.recordJobs({ uploaded: 1, adopted: 0, deleted: 0, renamed: 0, updated: 2, failed: 0, released: 0, outages: 0, nextWakeAt: null, stoppedBy: 'budget' });
    metrics.recordPoll({ ...emptyPollResult(), recreatesQueued: 1, ready: 2 }, T0 + 5000);
    metrics.recordPoll({ ...emptyPollResult(), replicasSkipped: 1 }, T0 + 9000);
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('# TYPE sensay_ingest_documents gauge');
    expect(text).toContain('sensay_ingest_documents{state="ready"} 3');
    expect(text).toContain('sensay_ingest_documents{state="processing"} 2');
    expect(text).toContain('sensay_ingest_uploads_total 3');
    expect(text).toContain('sensay_ingest_deletes_total 1');
    expect(text).toContain('sensay_ingest_in_place_updates_total 2');
    expect(text).toContain('sensay_ingest_recreates_total 1');
    expect(text).toContain('sensay_ingest_budget_remaining 6');
    // The poll that could not reach a replica does not count as successful.
    expect(text).toContain(`sensay_ingest_last_successful_poll_timestamp_seconds ${(T0 + 5000) / 1000}`);
  });

  it('counts API errors by status through the client tap, and the caller still sees each error', async () => {
    const { url, metrics } = await serve(async () => summaryAt(T0, {}));
    const failing = {
      getEntry: () => Promise.reject(new SensayApiError({ code: 'SERVER_ERROR', status: 503, message: 'down', method: 'GET', path: '/x' })),
      listEntries: () => Promise.reject(new SensayApiError({ code: 'UNREACHABLE', message: 'refused', method: 'GET', path: '/x' })),
      countEntries: () => Promise.resolve(5),
      iterateEntries: async function* () {
        yield* [1, 2];
      },
      close: () => Promise.resolve(),
    } as unknown as SensayClient;
    let answers = 0;
    const api = tapApiErrors(failing, (e) => metrics.recordApiError(e), () => answers++);
    await expect(api.countEntries('r')).resolves.toBe(5);
    const pages: unknown[] = [];
    for await (const page of api.iterateEntries('r')) pages.push(page);
    expect(pages).toEqual([1, 2]);
    expect(answers).toBe(3);
    await expect(api.getEntry('r', 1)).rejects.toMatchObject({ status: 503 });
    await expect(api.getEntry('r', 2)).rejects.toMatchObject({ status: 503 });
    await expect(api.listEntries('r')).rejects.toMatchObject({ code: 'UNREACHABLE' });
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('sensay_ingest_api_errors_total{status="503",code="SERVER_ERROR"} 2');
    expect(text).toContain('sensay_ingest_api_errors_total{status="none",code="UNREACHABLE"} 1');
    expect(answers).toBe(3);
  });

  it('keeps each daemon\'s metrics apart (no global registry) and adds process metrics when asked', async () => {
    const a = createDaemonMetrics();
    const b = createDaemonMetrics();
    a.recordJobs({ uploaded: 5, adopted: 0, deleted: 0, renamed: 0, updated: 0, failed: 0, released: 0, outages: 0, nextWakeAt: null, stoppedBy: 'idle' });
    const textB = await b.render(summaryAt(T0, {}));
    expect(textB).toContain('sensay_ingest_uploads_total 0');
    expect(textB).toContain('sensay_ingest_process_resident_memory_bytes');
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const { url } = await serve(async () => summaryAt(T0, {}));
    expect((await fetch(`${url}/`)).status).toBe(404);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const post = await fetch(`${url}/healthz`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
