import { pino } from 'pino';
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
  };
}

let server: StatusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(summary: () => Promise<EngineSummary>, metrics: DaemonMetrics = createDaemonMetrics({ processMetrics: false })) {
  const clock = new FakeClock(T0 + 90_000);
  server = await startStatusServer({ port: 0, host: '127.0.0.1', clock, log: silent, startedAt: T0, summary, metrics });
  return { url: server.url, metrics, clock };
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
      totals: { ready: 3, processing: 1, queued: 0, failed: 0, rejected: 1 },
      documents: { ready: 3, processing: 1, rejected: 1, queued: 0 },
      budget: { limit: 10, used: 4, remaining: 6, blockedUntil: null },
    });
  });

  it('GET /healthz answers 503 when the state store cannot be read, and says why', async () => {
    const broken = Object.assign(new Error('database disk image is malformed'), { code: 'STORE_CORRUPT' });
    const { url } = await serve(async () => {
      throw broken;
    });
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', uptimeSeconds: 90, problem: 'STORE_CORRUPT: database disk image is malformed' });
  });

  it('GET /metrics serves Prometheus text: document gauges, counters fed by the loop, budget, last poll', async () => {
    const { url, metrics } = await serve(async () => summaryAt(T0, { ready: 3, processing: 2 }));
    metrics.recordJobs({ uploaded: 2, adopted: 0, deleted: 1, renamed: 0, updated: 0, failed: 0, released: 0, nextWakeAt: null, stoppedBy: 'idle' });
    metrics.recordJobs({ uploaded: 1, adopted: 0, deleted: 0, renamed: 0, updated: 2, failed: 0, released: 0, nextWakeAt: null, stoppedBy: 'budget' });
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
      close: () => Promise.resolve(),
    } as unknown as SensayClient;
    const api = tapApiErrors(failing, (e) => metrics.recordApiError(e));
    await expect(api.getEntry('r', 1)).rejects.toMatchObject({ status: 503 });
    await expect(api.getEntry('r', 2)).rejects.toMatchObject({ status: 503 });
    await expect(api.listEntries('r')).rejects.toMatchObject({ code: 'UNREACHABLE' });
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('sensay_ingest_api_errors_total{status="503",code="SERVER_ERROR"} 2');
    expect(text).toContain('sensay_ingest_api_errors_total{status="none",code="UNREACHABLE"} 1');
  });

  it('keeps each daemon\'s metrics apart (no global registry) and adds process metrics when asked', async () => {
    const a = createDaemonMetrics();
    const b = createDaemonMetrics();
    a.recordJobs({ uploaded: 5, adopted: 0, deleted: 0, renamed: 0, updated: 0, failed: 0, released: 0, nextWakeAt: null, stoppedBy: 'idle' });
    const textB = await b.render(summaryAt(T0, {}));
    expect(textB).toContain('sensay_ingest_uploads_total 0');
    expect(textB).toContain('sensay_ingest_process_resident_memory_bytes');
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const { url } = await serve(async () => summaryAt(T0, {}));
    expect((await fetch(`${url}/`)).status).toBe(404);
    const post = await fetch(`${url}/healthz`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
