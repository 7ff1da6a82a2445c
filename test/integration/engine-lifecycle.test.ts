import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock/clock.js';
import { createEngine, type Engine } from '../../src/engine/create-engine.js';
import { runSync } from '../../src/engine/sync-run.js';
import { startSimulator, type SimEntry, type Simulator } from '../../src/sim/index.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { FakeClock, flushMicrotasks } from '../support/fake-clock.js';
import { makeEngineFolder, silentLog, writeMixedFolder, type EngineFolder, useSharedPool, testApiClient, borrowedExtractor } from './engine-harness.js';

let folder: EngineFolder;
let clock: FakeClock;
let sim: Simulator;
let store: SqliteStore;
let engine: Engine;

const pool = useSharedPool();
beforeEach(async () => {
  folder = await makeEngineFolder('engine-life-');
  clock = new FakeClock();
  sim = await startSimulator({ clock, timeline: { stepMs: 1000 } });
  store = await openSqliteStore({ path: folder.statePath });
  const config = folder.config({ baseUrl: sim.url });
  const api = testApiClient(sim, clock, config.api.apiVersion);
  const extractor = borrowedExtractor(pool());
  engine = createEngine({ clock, store, api, extractor, log: silentLog, config, owner: 'test-host:1:aaaaaa' });
});
afterEach(async () => {
  await engine.close();
  await sim.close();
  await folder.remove();
});

const live = (): SimEntry[] => sim.entries().filter((entry) => !entry.deleted);
const liveTitles = () => live().map((entry) => entry.title).sort();
const writes = () => sim.requests().filter((r) => r.method !== 'GET');

/** Uploads and polls, moving the fake clock, until nothing is outstanding. */
async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await engine.runJobs();
    await clock.advance(10_000);
    await engine.pollOnce();
    const { documents } = await engine.summary();
    if (documents.queued + documents.uploading + documents.processing + documents.errored + documents.deleting === 0) return;
  }
  throw new Error(`not settled after ${rounds} rounds: ${JSON.stringify((await engine.summary()).documents)}`);
}

async function syncAndSettle() {
  const report = await engine.syncPass();
  await settle();
  return report;
}

describe('engine: a folder kept in sync with the simulator', () => {
  it('takes a folder of mixed files to READY, once each, and lists the rejected file with its reason', async () => {
    await writeMixedFolder(folder);
    const report = await syncAndSettle();

    expect(report.rejected).toEqual([expect.objectContaining({ path: 'secret.pdf', reason: 'ENCRYPTED' })]);
    expect(await store.countDocumentsByState()).toMatchObject({ ready: 5, duplicate: 1, rejected: 1, failed: 0 });
    expect(liveTitles()).toEqual(['faq.txt', 'manuals/text.docx', 'manuals/text.pdf', 'notes/copy-of-welcome.md', 'web/page.html']);
    expect(live().every((entry) => entry.status === 'READY')).toBe(true);
    expect(sim.stats().creates).toBe(5);
    // The bytes that reached Sensay are the file's exact bytes.
    const faq = live().find((entry) => entry.title === 'faq.txt');
    const expected = await readFile(join(folder.docs, 'faq.txt'));
    expect(faq?.upload?.size).toBe(expected.length);
  });

  it('a second pass with no change uploads nothing and sends no write', async () => {
    await writeMixedFolder(folder);
    await syncAndSettle();
    const writesBefore = writes().length;
    await clock.advance(60_000);
    const second = await syncAndSettle();
    expect(second.counts).toMatchObject({ create: 0, replace: 0, delete: 0, rename: 0, extracted: 0 });
    expect(sim.stats().creates).toBe(5);
    expect(writes()).toHaveLength(writesBefore);
  });

  it('a modified file is replaced: the successor is READY before the predecessor is deleted', async () => {
    await folder.write('guide.md', '# Guide\n\nversion one\n');
    await syncAndSettle();
    const [first] = live();
    await clock.advance(60_000);
    await folder.write('guide.md', '# Guide\n\nversion two, longer\n');
    const report = await engine.syncPass();
    expect(report.counts.replace).toBe(1);

    await engine.runJobs();
    // Uploaded but not READY yet: the old entry still serves the replica.
    expect(live().map((e) => e.id)).toContain(first!.id);
    await settle();

    const entries = sim.entries();
    const old = entries.find((e) => e.id === first!.id)!;
    const successor = entries.find((e) => e.id !== first!.id)!;
    expect(old.deleted).toBe(true);
    expect(successor.deleted).toBe(false);
    expect(successor.status).toBe('READY');
    const doc = await store.getDocumentByPath('docs', 'guide.md');
    const events = await store.listEvents({ documentId: doc!.id, types: ['ready', 'entry-deleted'] });
    const readyAt = events.findIndex((e) => e.type === 'ready' && e.detail?.entryId === successor.id);
    const deletedAt = events.findIndex((e) => e.type === 'entry-deleted' && e.detail?.entryId === old.id);
    expect(readyAt).toBeGreaterThanOrEqual(0);
    expect(deletedAt).toBeGreaterThan(readyAt);
    expect(doc).toMatchObject({ state: 'ready', entryId: successor.id, previousEntryId: null });
  });

  it('a deleted file has its entry deleted', async () => {
    for (let i = 0; i < 5; i++) await folder.write(`note-${i}.txt`, `note number ${i}\n`);
    await syncAndSettle();
    await rm(join(folder.docs, 'note-2.txt'));
    const report = await syncAndSettle();
    expect(report.counts.delete).toBe(1);
    expect(liveTitles()).toEqual(['note-0.txt', 'note-1.txt', 'note-3.txt', 'note-4.txt']);
    expect((await store.getDocumentByPath('docs', 'note-2.txt'))?.state).toBe('gone');
  });

  it('a renamed file keeps its entry: one PATCH of the title, no upload', async () => {
    await folder.write('drafts/plan.md', '# Plan\n\nthe plan\n');
    await syncAndSettle();
    const creates = sim.stats().creates;
    await rename(join(folder.docs, 'drafts/plan.md'), join(folder.docs, 'plan.md'));
    const report = await syncAndSettle();
    expect(report.counts).toMatchObject({ rename: 1, create: 0 });
    expect(sim.stats().creates).toBe(creates);
    expect(sim.stats().patches).toBe(1);
    expect(liveTitles()).toEqual(['plan.md']);
  });

  it('the mass-delete valve holds: most files gone → nothing deleted, and the pass says why', async () => {
    for (let i = 0; i < 5; i++) await folder.write(`keep-${i}.txt`, `keep ${i}\n`);
    await syncAndSettle();
    for (let i = 0; i < 4; i++) await rm(join(folder.docs, `keep-${i}.txt`));
    const report = await syncAndSettle();
    expect(report.held).toEqual([expect.objectContaining({ reason: 'MASS_DELETE', wouldDelete: 4, known: 5 })]);
    expect(sim.stats().deletes).toBe(0);
    expect(live()).toHaveLength(5);
  });
});

describe('runSync (what `sync` runs)', () => {
  it('without --wait: one round within the budget; with --wait: until every document is terminal', async () => {
    for (let i = 0; i < 12; i++) await folder.write(`doc-${i}.txt`, `document ${i}\n`);
    const once = await runSync(engine, syncClock, { pollIntervalMs: 5_000 });
    expect(once.stoppedBy).toBe('round');
    expect(once.jobs.uploaded).toBe(10);
    expect(once.summary.nextUploadAt).toBe(once.pass.startedAt + 3_600_000);

    const waiting = runSync(engine, syncClock, { wait: true, pollIntervalMs: 5_000 });
    const result = await drive(waiting);
    expect(result.stoppedBy).toBe('done');
    expect(result.jobs.uploaded).toBe(2);
    expect(await store.countDocumentsByState()).toMatchObject({ ready: 12 });
    expect(sim.stats().creates).toBe(12);
  });

  it('--wait: a file renamed while its upload was cut short by a kill ends READY under its new name (soak seed 394378307)', async () => {
    await folder.write('guide.md', '# Guide\n\nversion one\n');
    await syncAndSettle();
    await clock.advance(60_000);
    await folder.write('guide.md', '# Guide\n\nversion two, longer\n');
    expect((await engine.syncPass()).counts.replace).toBe(1);
    // A process claimed the replace, then was SIGKILLed: the document stays uploading, its job
    // running under a dead lease, until a run recovers it.
    const dead = 'dead-host:1:bbbbbb';
    const claimed = await store.claimUpload({ owner: dead, now: clock.now(), leaseMs: 60_000, scope: new URL(sim.url).origin, limit: 10, windowMs: 3_600_000 });
    expect(claimed.ok).toBe(true);
    await store.expireLeases(dead, clock.now());
    await rename(join(folder.docs, 'guide.md'), join(folder.docs, 'manual.md'));

    // The run's first pass cannot move an uploading document; once the recovered upload let go of
    // it (its file is no longer at the old path), the move must still happen in this run.
    const result = await drive(runSync(engine, syncClock, { wait: true, maxWaitMs: 15 * 60_000, pollIntervalMs: 5_000 }));
    expect(result.stoppedBy).toBe('done');
    expect(result.passes).toBe(2);
    expect(liveTitles()).toEqual(['manual.md']);
    const [entry] = live();
    expect(entry?.status).toBe('READY');
    expect(await store.getDocumentByPath('docs', 'manual.md')).toMatchObject({ state: 'ready', entryId: entry!.id, previousEntryId: null });
  });

  it("--wait waits for this host's sources only: a queued document of another host's source does not keep it running", async () => {
    await folder.write('mine.txt', 'my document\n');
    // Another host owns a source of the same state and has a document queued in it (its uploads are its own).
    await store.registerHost({ hostName: 'office-b', owner: 'office-b:1:cccccc', now: clock.now(), newId: 'office-b-id' });
    const theirs = await store.claimSource({ sourceName: 'theirs', hostName: 'office-b', owner: 'office-b:1:cccccc', standby: false, now: clock.now(), leaseMs: 24 * 3_600_000 });
    expect(theirs.granted).toBe(true);
    const { document } = await store.upsertScanned({ sourceName: 'theirs', relPath: 'far.txt', replicaUUID: '3f1c7d8e-0000-4000-8000-0000000000b2', size: 4, mtimeMs: 1 }, clock.now());
    await store.queueUpload({ documentId: document.id, kind: 'create', now: clock.now() });

    const result = await drive(runSync(engine, syncClock, { wait: true, maxWaitMs: 15 * 60_000, pollIntervalMs: 5_000 }));
    expect(result.stoppedBy).toBe('done');
    expect(liveTitles()).toEqual(['mine.txt']);
    // The report still shows the whole organisation.
    expect(result.summary.documents).toMatchObject({ ready: 1, queued: 1 });
  });

  it('--max-wait gives up when the budget cannot finish in time', async () => {
    for (let i = 0; i < 11; i++) await folder.write(`doc-${i}.txt`, `document ${i}\n`);
    const result = await drive(runSync(engine, syncClock, { wait: true, maxWaitMs: 60_000, pollIntervalMs: 5_000 }));
    expect(result.stoppedBy).toBe('max-wait');
    expect(result.summary.documents).toMatchObject({ ready: 10, queued: 1 });
  });
});

/**
 * runSync's own view of the clock: the fake one, but it tells when runSync is parked waiting, so
 * the test moves time only then (never while a request is in flight, whatever the machine's load).
 */
let parked = false;
const syncClock: Clock = {
  now: () => clock.now(),
  async sleep(ms, signal) {
    parked = true;
    try {
      await clock.sleep(ms, signal);
    } finally {
      parked = false;
    }
  },
};

/** Moves the fake clock whenever runSync is parked on it, until `work` settles. */
async function drive<T>(work: Promise<T>): Promise<T> {
  let done = false;
  const settled = work.finally(() => {
    done = true;
  });
  for (let i = 0; i < 100_000 && !done; i++) {
    await flushMicrotasks(2);
    if (!done && parked) await clock.advance(1_000);
  }
  return settled;
}
