import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { reconcileReplica } from '../../src/uploader/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { createWorld, fileName, HOUR, liveByTitle, liveEntries, REPLICA, silentLog, type World, type WorldOptions } from '../support/uploader-world.js';

let world: World | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await world?.close();
  world = undefined;
  store = undefined;
});

const START = Date.UTC(2026, 0, 1, 0, 0, 0);

async function setUp(options: Omit<WorldOptions, 'clock'>) {
  const clock = new FakeClock(START);
  world = await createWorld({ clock, ...options });
  store = await world.openStore();
  await world.seed(store);
  const api = world.client();
  return { clock, w: world, s: store, api };
}

function expectOneLiveEntryPerDocument(w: World, files: number, withBytes: boolean) {
  const live = liveByTitle(liveEntries(w.sim!));
  expect([...live.keys()].sort()).toEqual(Array.from({ length: files }, (_, i) => fileName(i)));
  for (const entries of live.values()) {
    expect(entries).toHaveLength(1);
    if (withBytes) expect(entries[0]!.upload).not.toBeNull();
  }
}

describe('uploader: the API says no', () => {
  it('a throttling 429 blocks every process until Retry-After, refunds the slot, and the job runs afterwards', async () => {
    const { clock, w, s, api } = await setUp({ files: 5, sim: { uploadsPerHour: 3 } });
    const runner = w.runner(s, api, 'host:1:aaaaaa');
    const first = await runner.runUntilIdle();
    expect(first.uploaded).toBe(3);
    expect(first.stoppedBy).toBe('blocked');
    const status = await s.budgetStatus(w.budget.scope, 10, HOUR, clock.now());
    expect(status.used).toBe(3);
    expect(status.blockedUntil).toBe(START + HOUR);
    expect(first.nextWakeAt).toBe(START + HOUR);
    expect(w.sim!.stats().throttledUploads).toBe(1);
    expect((await s.listEvents({ types: ['upload.throttled'] })).length).toBe(1);

    // Another runner honours the block without asking the API.
    const other = await w.runner(s, w.client(), 'host:2:bbbbbb').runUntilIdle();
    expect(other).toMatchObject({ uploaded: 0, stoppedBy: 'blocked' });
    expect(w.sim!.stats().throttledUploads).toBe(1);

    await clock.advance(HOUR);
    const after = await runner.runUntilIdle();
    expect(after.uploaded).toBe(2);
    expectOneLiveEntryPerDocument(w, 5, true);
  });

  it('a quota 429 pauses the replica and is not hammered', async () => {
    const { clock, w, s, api } = await setUp({ files: 4, sim: { quota: true } });
    const runner = w.runner(s, api, 'host:1:aaaaaa');
    const summary = await runner.runUntilIdle();
    expect(summary.uploaded).toBe(0);
    // At most the creates already in flight together (concurrency 2) meet the quota.
    const rejected = w.sim!.stats().quotaRejected;
    expect(rejected).toBeGreaterThanOrEqual(1);
    expect(rejected).toBeLessThanOrEqual(2);
    const paused = await s.pausedReplicas();
    expect(paused.map((p) => p.replicaUUID)).toEqual([REPLICA]);
    expect(paused[0]!.reason).toMatch(/quota exceeded for replica .*run `sensay-ingest retry`/);
    await clock.advance(2 * HOUR);
    await runner.runUntilIdle();
    expect(w.sim!.stats().quotaRejected).toBe(rejected);
    expect((await s.budgetStatus(w.budget.scope, 10, HOUR, clock.now())).used).toBe(0);
    expect((await s.countDocumentsByState()).queued).toBe(4);
  });

  it('stops with an auth error on 401 and gives the slot back', async () => {
    const { w, s } = await setUp({ files: 2 });
    const bad = w.runner(s, w.client(), 'host:1:aaaaaa');
    const badClient = (await import('../../src/sensay/client.js')).createSensayClient({
      baseUrl: w.sim!.url, apiVersion: '2025-03-25', secret: 'wrong-secret', requestsPerMinute: 1000, clock: w.clock, log: silentLog, maxAttempts: 1,
    });
    const summary = await w.runner(s, badClient, 'host:1:aaaaaa').runUntilIdle();
    expect(summary.stoppedBy).toBe('auth');
    expect(summary.error?.code).toBe('UNAUTHORIZED');
    expect((await s.budgetStatus(w.budget.scope, 10, HOUR, w.clock.now())).used).toBe(0);
    expect((await s.countDocumentsByState()).queued).toBe(2);
    await badClient.close();
    expect((await bad.runUntilIdle()).uploaded).toBe(2);
  });
});

describe('uploader: ambiguous creates and changed files', () => {
  it('file mode: a lost create answer is reconciled — exactly one entry ends up per document', async () => {
    const { clock, w, s, api } = await setUp({ files: 3, sim: { faults: { createTimeout: { next: 1, mode: 'drop' } } } });
    // The deleted half-made entry spent a slot: an attempt, retried after recreateBackoffSeconds (no jitter here).
    const runner = w.runner(s, api, 'host:1:aaaaaa', { attempts: { maxAttempts: 3, recreateBackoffSeconds: 60 }, random: () => 0 });
    const first = await runner.runUntilIdle();
    expect(first.uploaded).toBe(2);
    expect(first.released).toBe(1);
    expect((await s.listDocuments({ states: ['queued'] })).map((d) => d.attempts)).toEqual([1]);
    // The half-made entry (no bytes) was found and deleted, never POSTed blindly again.
    expect(w.sim!.stats().creates).toBe(3);
    expect(w.sim!.stats().deletes).toBe(1);
    await clock.advance(60_000);
    expect((await runner.runUntilIdle()).uploaded).toBe(1);
    expectOneLiveEntryPerDocument(w, 3, true);
    expect((await reconcileReplica({ ...w, store: s, api, log: silentLog, sources: [w.source] }, REPLICA)).report).toMatchObject({ adopted: 0, deletedOrphans: 0, requeued: 0, listed: 0 });
  });

  it('text mode: a lost create answer is adopted, not created again', async () => {
    const { w, s, api } = await setUp({ files: 3, mode: 'text', sim: { faults: { createTimeout: { next: 1, mode: 'drop' } } } });
    const summary = await w.runner(s, api, 'host:1:aaaaaa').runUntilIdle();
    expect(summary).toMatchObject({ uploaded: 2, adopted: 1 });
    expect(w.sim!.stats().creates).toBe(3);
    expect(w.sim!.stats().deletes).toBe(0);
    expectOneLiveEntryPerDocument(w, 3, false);
    expect((await s.countDocumentsByState()).processing).toBe(3);
    expect((await s.listEvents({ types: ['reconcile.adopted'] })).length).toBe(1);
  });

  it('a file changed between extraction and PUT: no bytes are sent, the entry is deleted, the job waits for the next scan', async () => {
    const clock = new FakeClock(START);
    world = await createWorld({ clock, files: 1 });
    store = await world.openStore();
    await world.seed(store);
    const path = join(world.sourceDir, fileName(0));
    const runner = world.runner(store, world.client(), 'host:1:aaaaaa', {
      hooks: { at: async (step) => { if (step === 'entry-recorded') await appendFile(path, 'a late edit\n'); } },
    });
    const summary = await runner.runUntilIdle();
    expect(summary).toMatchObject({ uploaded: 0, released: 1 });
    expect(world.sim!.stats().uploads).toBe(0);
    expect(liveEntries(world.sim!)).toHaveLength(0);
    const [doc] = await store.listDocuments();
    expect(doc).toMatchObject({ state: 'queued', entryId: null });
  });

  it('text mode: changed text is not posted and the slot is given back', async () => {
    const { w, s, api } = await setUp({ files: 1, mode: 'text' });
    await appendFile(join(w.sourceDir, fileName(0)), 'new paragraph\n');
    const summary = await w.runner(s, api, 'host:1:aaaaaa').runUntilIdle();
    expect(summary).toMatchObject({ uploaded: 0, released: 1 });
    expect(w.sim!.stats().creates).toBe(0);
    expect((await s.budgetStatus(w.budget.scope, 10, HOUR, w.clock.now())).used).toBe(0);
  });
});

describe('uploader: stopping', () => {
  it('an abort finishes the job in hand and claims nothing more', async () => {
    const { w, s, api } = await setUp({ files: 4 });
    const controller = new AbortController();
    const runner = w.runner(s, api, 'host:1:aaaaaa', {
      concurrency: 1,
      hooks: { at: (step) => { if (step === 'create-sent') controller.abort(); } },
    });
    const summary = await runner.runUntilIdle({ signal: controller.signal });
    expect(summary).toMatchObject({ stoppedBy: 'signal', uploaded: 1 });
    expect(w.sim!.stats().creates).toBe(1);
    const states = await s.countDocumentsByState();
    expect(states).toMatchObject({ processing: 1, queued: 3, uploading: 0 });
  });
});

describe('uploader: delete and rename jobs, reconciliation', () => {
  it('deletes the entry of a removed file and retitles a moved one, spending no slot', async () => {
    const { clock, w, s, api } = await setUp({ files: 3 });
    const runner = w.runner(s, api, 'host:1:aaaaaa');
    expect((await runner.runUntilIdle()).uploaded).toBe(3);
    const [a, b] = await s.listDocuments();
    await s.queueDelete(a!.id, clock.now());
    const renamed = await s.renameDocument({ documentId: b!.id, newRelPath: 'moved/renamed.txt', now: clock.now() });
    expect(renamed.ok).toBe(true);
    const summary = await runner.runUntilIdle();
    expect(summary).toMatchObject({ deleted: 1, renamed: 1, uploaded: 0 });
    const titles = liveEntries(w.sim!).map((e) => e.title).sort();
    expect(titles).toEqual([fileName(2), 'moved/renamed.txt']);
    expect((await s.getDocument(a!.id))?.state).toBe('gone');
    expect(w.sim!.stats().creates).toBe(3);
  });

  it('a delete whose entry is already gone still completes', async () => {
    const { clock, w, s, api } = await setUp({ files: 1 });
    const runner = w.runner(s, api, 'host:1:aaaaaa');
    await runner.runUntilIdle();
    const [doc] = await s.listDocuments();
    await api.deleteEntry(REPLICA, doc!.entryId!);
    await s.queueDelete(doc!.id, clock.now());
    expect((await runner.runUntilIdle()).deleted).toBe(1);
    expect((await s.getDocument(doc!.id))?.state).toBe('gone');
  });

  it('the start-up sweep deletes entries titled like ours that no document records, and nothing else', async () => {
    const { clock, w, s, api } = await setUp({ files: 2 });
    await w.runner(s, api, 'host:1:aaaaaa').runUntilIdle();
    await clock.advance(1000);
    const orphan = await api.createEntry(REPLICA, { title: fileName(0), filename: fileName(0) });
    const foreign = await api.createEntry(REPLICA, { title: 'someone-elses.txt', filename: 'someone-elses.txt' });
    expect(orphan.ok && foreign.ok).toBe(true);
    const { report } = await reconcileReplica({ clock, store: s, api, log: silentLog, sources: [w.source] }, REPLICA);
    expect(report).toEqual({ adopted: 0, deletedOrphans: 1, requeued: 0, listed: 1, unknown: 1 });
    const titles = liveEntries(w.sim!).map((e) => e.title).sort();
    expect(titles).toEqual([fileName(0), fileName(1), 'someone-elses.txt']);
    const [doc] = await s.listDocuments();
    expect(liveEntries(w.sim!).find((e) => e.title === fileName(0))?.id).toBe(doc!.entryId);
  });
});
