import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSensayClient } from '../../src/sensay/client.js';
import type { Store } from '../../src/store/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { createWorld, HOUR, liveEntries, silentLog, type World, type WorldOptions } from '../support/uploader-world.js';

/**
 * Issue 8 §1 against the real simulator, a real state file and the real client: bounded
 * attempts when the storage refuses every PUT, outages that give their slot back, and a
 * redirect that stops the run without failing anything.
 */
let world: World | undefined;
let store: Store | undefined;
let redirector: Server | undefined;
const clients: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await store?.close();
  await world?.close();
  await new Promise<void>((resolve) => (redirector ? redirector.close(() => resolve()) : resolve()));
  world = store = redirector = undefined;
});

const START = Date.UTC(2026, 0, 1, 0, 0, 0);
const LIMITS = { maxAttempts: 3, recreateBackoffSeconds: 10 };

async function setUp(options: Omit<WorldOptions, 'clock'>) {
  const clock = new FakeClock(START);
  world = await createWorld({ clock, ...options });
  store = await world.openStore();
  await world.seed(store);
  return { clock, w: world, s: store, api: world.client() };
}

describe('uploader: bounded retries', () => {
  it.each([403, 413, 500])('storage refusing every PUT with %i: failed after maxAttempts creates, no entry left', async (status) => {
    const { clock, w, s, api } = await setUp({ files: 2, sim: { faults: { uploadRefusal: { status } } } });
    const runner = w.runner(s, api, 'host:1:aaaaaa', { attempts: LIMITS, random: () => 0 });

    const waits: number[] = [];
    for (let round = 0; round < 10; round++) {
      const run = await runner.runUntilIdle();
      if (run.nextWakeAt === null) break;
      waits.push(run.nextWakeAt - clock.now());
      await clock.advance(run.nextWakeAt - clock.now());
    }
    // 10 s, then 20 s: recreateBackoffSeconds × 2^(n−1); then the third attempt fails the document.
    expect(waits).toEqual([10_000, 20_000]);
    expect(w.sim!.stats().creates).toBe(2 * LIMITS.maxAttempts);
    expect(w.sim!.stats().deletes).toBe(2 * LIMITS.maxAttempts);
    expect(liveEntries(w.sim!)).toEqual([]);
    const documents = await s.listDocuments();
    expect(documents.map((d) => [d.state, d.attempts, d.entryId])).toEqual([
      ['failed', 3, null],
      ['failed', 3, null],
    ]);
    expect(documents[0]!.lastError).toMatchObject({ status, step: 'upload', requestId: expect.any(String) });
    expect(await s.listJobs({ states: ['queued', 'running'] })).toEqual([]);
  });

  it('a create answered 5xx that created nothing is an outage: slot refunded, no attempt, retried after 5 s', async () => {
    const { clock, w, s, api } = await setUp({ files: 1, sim: { faults: { status5xx: { next: 1, status: 503 } } } });
    const runner = w.runner(s, api, 'host:1:aaaaaa', { attempts: LIMITS, random: () => 0 });

    const first = await runner.runUntilIdle();
    expect(first).toMatchObject({ uploaded: 0, outages: 1, stoppedBy: 'outage', nextWakeAt: START + 5_000 });
    expect(first.error).toMatchObject({ status: 503 });
    expect((await s.budgetStatus(w.budget.scope, 10, HOUR, clock.now())).used).toBe(0);
    const [queued] = await s.listDocuments();
    expect(queued).toMatchObject({ state: 'queued', attempts: 0, lastError: { status: 503, step: 'create' } });
    expect((await s.listJobs({ states: ['queued'] }))[0]).toMatchObject({ outages: 1, notBefore: START + 5_000 });

    await clock.advance(5_000);
    const second = await runner.runUntilIdle();
    expect(second).toMatchObject({ uploaded: 1, outages: 0 });
    expect((await s.budgetStatus(w.budget.scope, 10, HOUR, clock.now())).used).toBe(1);
    expect(liveEntries(w.sim!)).toHaveLength(1);
  });

  it('consecutive outages back off 5 s, 10 s, 20 s … and never count as attempts', async () => {
    const { clock, w, s, api } = await setUp({ files: 1 });
    const runner = w.runner(s, api, 'host:1:aaaaaa', { attempts: LIMITS, random: () => 0 });
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      w.sim!.inject({ status5xx: { next: 1, status: 502 } });
      const run = await runner.runUntilIdle();
      expect(run.stoppedBy).toBe('outage');
      waits.push((run.nextWakeAt ?? 0) - clock.now());
      await clock.advance((run.nextWakeAt ?? 0) - clock.now());
    }
    expect(waits).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect((await s.listDocuments())[0]).toMatchObject({ state: 'queued', attempts: 0 });
    expect((await runner.runUntilIdle()).uploaded).toBe(1);
    expect((await s.budgetStatus(w.budget.scope, 10, HOUR, clock.now())).used).toBe(1);
  });

  it('a recovered job whose last allowed attempt was cut short fails instead of creating once more', async () => {
    const { clock, w, s, api } = await setUp({ files: 1 });
    // A process spent the only attempt (entry 4242 recorded, bytes never sent) and died.
    const claim = await s.claimUpload({ owner: 'dead', now: clock.now(), leaseMs: 60_000, ...w.budget });
    if (!claim.ok) throw new Error('no claim');
    await s.recordEntryCreated(claim.document.id, 4242, clock.now());
    await s.expireLeases('dead', clock.now());

    const run = await w.runner(s, api, 'host:1:aaaaaa', { attempts: { maxAttempts: 1, recreateBackoffSeconds: 10 } }).runUntilIdle();
    expect(run).toMatchObject({ failed: 1, uploaded: 0 });
    expect(w.sim!.stats().creates).toBe(0);
    expect((await s.listDocuments())[0]).toMatchObject({ state: 'failed', attempts: 1, entryId: null });
    // The dead process's slot stays spent; the recovered claim's own slot went back.
    expect((await s.budgetStatus(w.budget.scope, 10, HOUR, clock.now())).used).toBe(1);
  });

  it.each([400, 409, 413, 415, 422])('a create refused with %i fails the document at once with the API message', async (status) => {
    const { clock, w, s } = await setUp({ files: 1 });
    const api = await stubApi(clock, (res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: false, error: `refused with ${status}`, fingerprint: 'fp-1', request_id: 'req-1' }));
    });
    const run = await w.runner(s, api, 'host:1:aaaaaa', { attempts: LIMITS }).runUntilIdle();
    expect(run).toMatchObject({ failed: 1, released: 0, stoppedBy: 'idle' });
    expect((await s.listDocuments())[0]).toMatchObject({
      state: 'failed',
      lastError: { message: `refused with ${status}`, status, requestId: 'req-1', fingerprint: 'fp-1', step: 'create' },
    });
  });
});

/** A stand-in API on a real socket answering every request with `reply`; a client pointed at it. */
async function stubApi(clock: FakeClock, reply: (res: ServerResponse, url: string) => void) {
  redirector = createServer((req, res) => reply(res, req.url ?? '/'));
  await new Promise<void>((resolve) => redirector!.listen(0, '127.0.0.1', resolve));
  const api = createSensayClient({
    baseUrl: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`,
    apiVersion: '2025-03-25',
    secret: 'sim-secret',
    requestsPerMinute: 1000,
    clock,
    log: silentLog,
    maxAttempts: 1,
  });
  clients.push(api);
  return api;
}

describe('uploader: a redirecting API', () => {
  it('stops the run as a configuration error; the document is not failed and the slot is given back', async () => {
    const { clock, w, s } = await setUp({ files: 1 });
    const api = await stubApi(clock, (res, url) => {
      res.writeHead(308, { location: `https://elsewhere.example${url}` });
      res.end();
    });
    const run = await w.runner(s, api, 'host:1:aaaaaa', { attempts: LIMITS }).runUntilIdle();
    expect(run).toMatchObject({ stoppedBy: 'config', failed: 0, error: { code: 'UNEXPECTED_REDIRECT', status: 308 } });
    expect((await s.listDocuments())[0]).toMatchObject({ state: 'queued', attempts: 0 });
    expect((await s.budgetStatus(w.budget.scope, 10, HOUR, clock.now())).used).toBe(0);
  });
});
