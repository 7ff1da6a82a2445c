import { existsSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Extractor } from '../../src/extractors/extraction.js';
import { runSyncPass } from '../../src/engine/sync-pass.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { makeEngineFolder, silentLog, writeMixedFolder, type EngineFolder, useSharedPool } from './engine-harness.js';

let folder: EngineFolder;
let store: SqliteStore;
let clock: FakeClock;

const pool = useSharedPool();
beforeEach(async () => {
  folder = await makeEngineFolder('engine-pass-');
  clock = new FakeClock();
  store = await openSqliteStore({ path: folder.statePath });
});
afterEach(async () => {
  await store.close();
  await folder.remove();
});

const pass = (dryRun = false) =>
  runSyncPass({ clock, store, extractor: pool(), log: silentLog, config: folder.config() }, { dryRun });

describe('sync pass (scan → extract → plan → apply)', () => {
  it('queues every valid file once, records the copy as a duplicate and the encrypted PDF as rejected', async () => {
    await writeMixedFolder(folder);
    const report = await pass();

    expect(report.counts).toMatchObject({ scanned: 7, extracted: 7, create: 5, duplicate: 1, rejected: 1 });
    expect(report.rejected).toEqual([
      expect.objectContaining({ path: 'secret.pdf', reason: 'ENCRYPTED', detail: expect.any(String) }),
    ]);
    const counts = await store.countDocumentsByState();
    expect(counts).toMatchObject({ queued: 5, duplicate: 1, rejected: 1, discovered: 0 });
    const jobs = await store.listJobs({ states: ['queued'] });
    expect(jobs.map((job) => job.kind)).toEqual(['create', 'create', 'create', 'create', 'create']);
    const copy = await store.getDocumentByPath('docs', 'notes/copy-of-welcome.md');
    const original = await store.getDocumentByPath('docs', 'notes/welcome.md');
    // Plan order is by path, so the copy (c…) is uploaded and the original (w…) points at it.
    expect(original?.duplicateOf).toBe(copy?.id);
    expect(copy?.state).toBe('queued');
  });

  it('a second pass over an unchanged folder reads nothing and queues nothing', async () => {
    await writeMixedFolder(folder);
    await pass();
    clock.advance(60_000);
    const second = await pass();
    // An unchanged rejected file is not re-judged: it stays rejected in the store.
    expect(second.counts).toMatchObject({ scanned: 7, extracted: 0, create: 0, replace: 0, rejected: 0, delete: 0 });
    expect(await store.countDocumentsByState()).toMatchObject({ rejected: 1 });
    expect(await store.listJobs({ states: ['queued'] })).toHaveLength(5);
  });

  it('registers only paths the store does not hold yet: a rescan of known files writes no scan rows', async () => {
    await writeMixedFolder(folder);
    await pass();
    const registered: string[][] = [];
    const counting = new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'upsertScannedMany') {
          return (files: { relPath: string }[], now: number) => (registered.push(files.map((f) => f.relPath)), target.upsertScannedMany(files as never, now));
        }
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    await clock.advance(60_000);
    const rescan = await runSyncPass({ clock, store: counting, extractor: pool(), log: silentLog, config: folder.config() });
    expect(rescan.counts).toMatchObject({ scanned: 7, extracted: 0, create: 0 });
    expect(registered).toEqual([]);
    await folder.write('late.md', '# Late\n');
    const withNew = await runSyncPass({ clock, store: counting, extractor: pool(), log: silentLog, config: folder.config() });
    expect(registered).toEqual([['late.md']]);
    expect(withNew.counts).toMatchObject({ scanned: 8, extracted: 1, create: 1 });
  });

  it('re-reads a rejected file only when it changes', async () => {
    await writeMixedFolder(folder);
    await pass();
    expect((await pass()).counts.extracted).toBe(0);
    await writeFile(join(folder.docs, 'secret.pdf'), 'now it is plain text, named .pdf');
    const third = await pass();
    expect(third.counts.extracted).toBe(1);
    expect(third.rejected).toEqual([expect.objectContaining({ path: 'secret.pdf', reason: 'TYPE_MISMATCH' })]);
  });

  it('a moved file is renamed in place, keeping its row', async () => {
    await folder.write('a/guide.md', '# Guide\n\nsome words\n');
    await pass();
    const before = await store.getDocumentByPath('docs', 'a/guide.md');
    await rename(join(folder.docs, 'a/guide.md'), join(folder.docs, 'guide.md'));
    const report = await pass();
    expect(report.counts).toMatchObject({ rename: 1, create: 0, delete: 0 });
    const after = await store.getDocumentByPath('docs', 'guide.md');
    expect(after?.id).toBe(before?.id);
    expect(await store.getDocumentByPath('docs', 'a/guide.md')).toBeNull();
  });

  it('holds the deletes when most of a source vanished, and says why', async () => {
    for (let i = 0; i < 5; i++) await folder.write(`f${i}.txt`, `file number ${i}\n`);
    await pass();
    for (let i = 0; i < 3; i++) await rm(join(folder.docs, `f${i}.txt`));
    const report = await pass();
    expect(report.counts.delete).toBe(0);
    expect(report.held).toEqual([expect.objectContaining({ source: 'docs', reason: 'MASS_DELETE', wouldDelete: 3, known: 5 })]);
    expect(await store.countDocumentsByState()).toMatchObject({ queued: 5, deleting: 0, gone: 0 });
    expect(await store.listEvents({ types: ['sync.delete-held'] })).toHaveLength(1);
  });

  it('a missing source folder plans no deletes and reports the scan problem', async () => {
    await folder.write('only.txt', 'one file\n');
    await pass();
    await rm(folder.docs, { recursive: true });
    const report = await pass();
    expect(report.scanProblems).toEqual([expect.objectContaining({ source: 'docs' })]);
    expect(report.counts.delete).toBe(0);
    expect(await store.countDocumentsByState()).toMatchObject({ queued: 1 });
  });
});

describe('sync pass --dry-run', () => {
  it('plans the same work as a real pass and writes nothing', async () => {
    await writeMixedFolder(folder);
    const eventsBefore = await store.listEvents();
    const dry = await pass(true);
    expect(dry.dryRun).toBe(true);
    expect(dry.counts).toMatchObject({ create: 5, duplicate: 1, rejected: 1 });
    expect(dry.eta).toMatchObject({ uploads: 5, firstSlotAt: clock.now(), lastSlotAt: clock.now() });
    expect(await store.listDocuments()).toEqual([]);
    expect(await store.listEvents()).toEqual(eventsBefore);

    const real = await pass();
    expect(real.plan.jobs.filter((j) => j.action === 'create').map((j) => j.relPath)).toEqual(
      dry.plan.jobs.filter((j) => j.action === 'create').map((j) => j.relPath),
    );
  });

  it('without a state file, plans everything as new and creates no file', async () => {
    await folder.write('one.md', '# One\n');
    const fresh = join(folder.root, 'never', 'state.db');
    const dry = await runSyncPass(
      { clock, store: null, extractor: pool(), log: silentLog, config: folder.config() },
      { dryRun: true },
    );
    expect(dry.counts.create).toBe(1);
    expect(existsSync(fresh)).toBe(false);
  });

  it('the ETA spreads a backlog over the hourly budget', async () => {
    for (let i = 0; i < 12; i++) await folder.write(`n${i}.txt`, `note ${i}\n`);
    const dry = await pass(true);
    expect(dry.eta).toMatchObject({ uploads: 12, firstSlotAt: clock.now(), lastSlotAt: clock.now() + 3_600_000 });
  });
});

describe('sync pass: identity of content (DECISIONS "Identity of content")', () => {
  // Same normalised text ("Opening hours are nine to five."), different bytes.
  const writeSameTextTwice = async () => {
    await folder.write('hours.txt', 'Opening hours are nine to five.\n');
    await folder.write('hours.md', 'Opening hours are nine to five.\r\n\r\n');
  };

  it('in file mode validates (no text hash) and keeps files with the same text but other bytes apart', async () => {
    await writeSameTextTwice();
    await folder.copyFixture('text.pdf', 'manuals/text.pdf');
    await folder.copyFixture('text.pdf', 'manuals/text-copy.pdf');
    const report = await pass();
    expect(report.counts).toMatchObject({ scanned: 4, extracted: 4, create: 3, duplicate: 1 });
    const rows = await store.listDocuments();
    expect(rows.every((row) => row.textHash === null)).toBe(true);
    const copy = await store.getDocumentByPath('docs', 'manuals/text.pdf');
    expect(copy).toMatchObject({ state: 'duplicate' });

    // A move is still recognised by its bytes.
    await rename(join(folder.docs, 'hours.md'), join(folder.docs, 'moved-hours.md'));
    clock.advance(60_000);
    const moved = await pass();
    expect(moved.plan.jobs.filter((j) => j.action === 'rename')).toEqual([
      expect.objectContaining({ action: 'rename', relPath: 'moved-hours.md', fromPath: 'hours.md' }),
    ]);
    expect(moved.counts).toMatchObject({ create: 0, delete: 0 });
  });

  it('in text mode still extracts the text and dedupes by it', async () => {
    await writeSameTextTwice();
    const report = await runSyncPass(
      { clock, store, extractor: pool(), log: silentLog, config: folder.config({ source: { mode: 'text' } }) },
      {},
    );
    expect(report.counts).toMatchObject({ scanned: 2, extracted: 2, create: 1, duplicate: 1 });
    const rows = await store.listDocuments();
    expect(rows.every((row) => typeof row.textHash === 'string')).toBe(true);
  });
});

describe('sync pass: no extraction worker could start', () => {
  it('lists the files as unprocessed with the pool\'s reason, decides nothing about them, and the next pass with a working pool queues them', async () => {
    await folder.write('a.md', '# A\n');
    await folder.write('b.txt', 'B\n');
    const detail = 'no extraction worker could start (exit 1: Error: Cannot find module pdf-parse); check the installation';
    const broken: Extractor = {
      extract: async () => ({ ok: false, reason: 'WORKER_UNAVAILABLE', detail }),
      validate: async () => ({ ok: false, reason: 'WORKER_UNAVAILABLE', detail }),
    };
    const report = await runSyncPass({ clock, store, extractor: broken, log: silentLog, config: folder.config() });
    expect(report.unprocessed).toEqual([
      { source: 'docs', path: 'a.md', reason: 'WORKER_UNAVAILABLE', detail },
      { source: 'docs', path: 'b.txt', reason: 'WORKER_UNAVAILABLE', detail },
    ]);
    expect(report.counts).toMatchObject({ scanned: 2, unprocessed: 2, unchanged: 0, create: 0, rejected: 0 });
    expect(await store.countDocumentsByState()).toMatchObject({ discovered: 2, queued: 0, rejected: 0 });

    await clock.advance(60_000);
    const again = await pass();
    expect(again.unprocessed).toEqual([]);
    expect(again.counts).toMatchObject({ extracted: 2, create: 2, unprocessed: 0 });
  });
});
