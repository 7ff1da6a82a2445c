import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPollLoop } from '../../src/status/poll-loop.js';
import { createStatusPoller, type StatusPoller, type StatusPollerDeps } from '../../src/status/poller.js';
import { openSqliteStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/store.js';
import { FakeClock } from '../support/fake-clock.js';
import { captureLog, FakeApi, processingDocument, T0 } from './poller-fake-api.js';

let store: Store;
let api: FakeApi;
let clock: FakeClock;
let logged: ReturnType<typeof captureLog>;

function poller(overrides: Partial<StatusPollerDeps> = {}): StatusPoller {
  return createStatusPoller({
    clock,
    store,
    api,
    log: logged.log,
    maxAttempts: 3,
    recreateBackoffSeconds: 60,
    stuckAfterMinutes: 30,
    fileExists: () => true,
    ...overrides,
  });
}

beforeEach(async () => {
  store = await openSqliteStore({ path: ':memory:' });
  api = new FakeApi();
  clock = new FakeClock(T0);
  logged = captureLog();
});

afterEach(async () => {
  await store.close();
});

describe('status poller: statuses the simulator cannot produce', () => {
  it('treats an unknown status as processing and warns once per value, however many entries and cycles', async () => {
    const a = await processingDocument(store, 'a.txt', 11);
    const b = await processingDocument(store, 'b.txt', 12);
    api.put(11, 'QUANTUM_INDEXING');
    api.put(12, 'QUANTUM_INDEXING');
    const p = poller();

    const first = await p.pollOnce();
    const second = await p.pollOnce();

    expect(first).toMatchObject({ checked: 2, unknownStatuses: 2, errored: 0, gone: 0 });
    expect(second.unknownStatuses).toBe(2);
    const warnings = logged.lines.filter((l) => l.status === 'QUANTUM_INDEXING' && l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(await store.listEvents({ types: ['poll.unknown-status'] })).toHaveLength(1);
    expect((await store.getDocument(a.id))?.state).toBe('processing');
    expect((await store.getDocument(b.id))?.state).toBe('processing');
  });

  it('maps legacy statuses: PROCESSING waits, SYNC_ERROR is deleted and recreated', async () => {
    const waiting = await processingDocument(store, 'w.txt', 21);
    const broken = await processingDocument(store, 'e.txt', 22);
    api.put(21, 'PROCESSING');
    api.put(22, 'SYNC_ERROR');

    const result = await poller().pollOnce();

    expect(result).toMatchObject({ checked: 2, unknownStatuses: 0, errored: 1, recreatesQueued: 1 });
    expect(api.calls).toContain('delete 22');
    expect(await store.getDocument(waiting.id)).toMatchObject({ state: 'processing', entryId: 21 });
    const requeued = await store.getDocument(broken.id);
    expect(requeued).toMatchObject({ state: 'queued', entryId: null, nextAttemptAt: T0 + 60_000 });
    expect(requeued?.lastError).toEqual({ message: 'entry 22 reported status SYNC_ERROR', code: 'ENTRY_ERROR', step: 'processing' });
  });
});

describe('status poller: resuming and API failures', () => {
  it('finishes an errored document whose entry was never deleted (a crash after markErrored)', async () => {
    const doc = await processingDocument(store, 'c.txt', 31);
    api.put(31, 'RAW_TEXT', { error: { message: 'boom' } });
    await store.markErrored(doc.id, 31, { message: 'boom' }, T0);

    const result = await poller().pollOnce();

    expect(api.calls).toEqual(['delete 31']);
    expect(result).toMatchObject({ recreatesQueued: 1, requests: 1 });
    expect(await store.getDocument(doc.id)).toMatchObject({ state: 'queued', entryId: null });
  });

  it('deletes the predecessor of a ready document left behind by a crash after markReady', async () => {
    const doc = await processingDocument(store, 'r.txt', 41);
    await store.markReady(doc.id, 41, T0);
    await store.queueUpload({ documentId: doc.id, kind: 'replace', now: T0 });
    await store.claimUpload({ owner: 't', now: T0, leaseMs: 60_000, scope: 't', limit: 1_000, windowMs: 3_600_000 });
    await store.recordEntryCreated(doc.id, 42, T0);
    await store.markProcessing(doc.id, 42, T0);
    await store.markReady(doc.id, 42, T0);
    api.put(41, 'READY');
    api.put(42, 'READY');

    expect(await poller().pollOnce()).toMatchObject({ predecessorsDeleted: 1 });
    expect(api.calls).toEqual(['delete 41']);
    expect(await store.getDocument(doc.id)).toMatchObject({ state: 'ready', entryId: 42, previousEntryId: null });
  });

  it('deletes an UNPROCESSABLE entry whose delete failed after the document was failed, without recreating it', async () => {
    const doc = await processingDocument(store, 'u.txt', 45);
    api.put(45, 'UNPROCESSABLE', { error: { message: 'corrupt', fingerprint: 'fp-u' } });
    api.failDeletes = 1;
    const p = poller();

    expect(await p.pollOnce()).toMatchObject({ failed: 1, deferred: 1 });
    expect(await store.getDocument(doc.id)).toMatchObject({ state: 'failed', entryId: 45 });
    expect(await p.pollOnce()).toMatchObject({ failed: 0, recreatesQueued: 0, requests: 1 });
    expect(api.entries.has(45)).toBe(false);
    expect(await store.getDocument(doc.id)).toMatchObject({ state: 'failed', entryId: null });
    expect(await store.listJobs({ documentId: doc.id, states: ['queued'] })).toEqual([]);
  });

  it('skips a replica whose list fails and picks it up next cycle', async () => {
    const doc = await processingDocument(store, 'l.txt', 51);
    api.put(51, 'READY');
    api.failLists = 1;
    const p = poller();

    expect(await p.pollOnce()).toMatchObject({ replicasSkipped: 1, ready: 0 });
    expect((await store.getDocument(doc.id))?.state).toBe('processing');
    expect(await p.pollOnce()).toMatchObject({ replicasSkipped: 0, ready: 1 });
  });

  it('defers an errored entry whose DELETE fails, and completes it next cycle', async () => {
    const doc = await processingDocument(store, 'd.txt', 61);
    api.put(61, 'RAW_TEXT', { error: { message: 'bad', fingerprint: 'fp1' } });
    api.failDeletes = 1;
    const p = poller();

    expect(await p.pollOnce()).toMatchObject({ errored: 1, deferred: 1, recreatesQueued: 0 });
    expect(await store.getDocument(doc.id)).toMatchObject({ state: 'errored', entryId: 61 });
    expect(await p.pollOnce()).toMatchObject({ recreatesQueued: 1, deferred: 0 });
    expect(api.entries.has(61)).toBe(false);
    expect((await store.getDocument(doc.id))?.lastError).toEqual({ message: 'bad', code: 'ENTRY_ERROR', fingerprint: 'fp1', step: 'processing' });
  });

  it('asks for a single entry only when it is missing from every list it could be in', async () => {
    await processingDocument(store, 'x.txt', 71);
    await processingDocument(store, 'y.txt', 72);
    api.put(71, 'NEW');
    api.put(72, 'AWAITING_UPLOAD'); // legacy: not in the status filter

    await poller().pollOnce();

    expect(api.calls).toEqual(['list NEW,FILE_UPLOADED,RAW_TEXT,PROCESSED_TEXT,VECTOR_CREATED p1', 'list hasError p1', 'get 72']);
  });

  it('rejects when aborted, and refuses nonsense policy values with the key named', async () => {
    await processingDocument(store, 'z.txt', 81);
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    await expect(poller().pollOnce({ signal: controller.signal })).rejects.toThrow('shutting down');
    expect(() => poller({ maxAttempts: 0 })).toThrow('Expected `maxAttempts` to be an integer >= 1, got `0`');
    expect(() => poller({ stuckAfterMinutes: -1 })).toThrow('stuckAfterMinutes');
  });
});

describe('runPollLoop', () => {
  it('polls every interval on the clock until stopWhen says so', async () => {
    const auto = new FakeClock(T0, { autoAdvance: true });
    const times: number[] = [];
    const p: StatusPoller = {
      pollOnce: () => {
        times.push(auto.now());
        return poller().pollOnce();
      },
    };
    await runPollLoop({ poller: p, clock: auto, intervalMs: 30_000, log: pino({ level: 'silent' }), stopWhen: () => times.length === 3 });
    expect(times).toEqual([T0, T0 + 30_000, T0 + 60_000]);
  });

  it('ends quietly when aborted while sleeping', async () => {
    const controller = new AbortController();
    const loop = runPollLoop({ poller: poller(), clock, intervalMs: 60_000, log: pino({ level: 'silent' }), signal: controller.signal });
    while (clock.pendingSleeps === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await expect(loop).resolves.toBeUndefined();
  });
});
