/**
 * The settle window of a sync pass: a new or changed file modified less than
 * `daemon.awaitWriteFinishMs` ago may still be being copied, so the pass leaves it unread and a
 * later pass takes it. The FakeClock is set just after the file's real mtime.
 */
import { appendFile, stat, utimes } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dryRunJson, presentDryRun } from '../../src/cli/present/sync-report.js';
import { runSyncPass } from '../../src/engine/sync-pass.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { makeEngineFolder, silentLog, type EngineFolder, useSharedPool } from './engine-harness.js';

const SETTLE_MS = 2000;

let folder: EngineFolder;
let store: SqliteStore;

const pool = useSharedPool();
beforeEach(async () => {
  folder = await makeEngineFolder('engine-settle-');
  store = await openSqliteStore({ path: folder.statePath });
});
afterEach(async () => {
  await store.close();
  await folder.remove();
});

function config() {
  const loaded = folder.config();
  return { ...loaded, daemon: { ...loaded.daemon, awaitWriteFinishMs: SETTLE_MS } };
}

const pass = (clock: FakeClock, dryRun = false) =>
  runSyncPass({ clock, store: dryRun ? null : store, extractor: pool(), log: silentLog, config: config() }, { dryRun });

async function mtimeOf(relPath: string): Promise<number> {
  return (await stat(`${folder.docs}/${relPath}`)).mtimeMs;
}

describe('sync pass settle window', () => {
  it('leaves a file younger than the window unread and unqueued; the next pass after the window queues it', async () => {
    await folder.write('manual.md', '# Manual\n\nPart one.\n');
    const mtime = await mtimeOf('manual.md');
    const clock = new FakeClock(mtime + 300);

    const first = await pass(clock);
    expect(first.counts).toMatchObject({ scanned: 1, extracted: 0, create: 0, settling: 1, unchanged: 0 });
    expect(first.settlingUntil).toBe(mtime + SETTLE_MS);
    expect(await store.listJobs({ states: ['queued'] })).toEqual([]);
    expect((await store.getDocumentByPath('docs', 'manual.md'))?.state).toBe('discovered');

    await clock.advance(SETTLE_MS);
    const second = await pass(clock);
    expect(second.counts).toMatchObject({ extracted: 1, create: 1, settling: 0 });
    expect(second.settlingUntil).toBeNull();
    expect((await store.listJobs({ states: ['queued'] })).map((job) => job.kind)).toEqual(['create']);
  });

  it('keeps the recorded version of a known file while its rewrite settles, then takes the final bytes', async () => {
    await folder.write('manual.md', '# Manual\n\nPart one.\n');
    const clock = new FakeClock((await mtimeOf('manual.md')) + 10 * SETTLE_MS);
    await pass(clock);
    const before = await store.getDocumentByPath('docs', 'manual.md');
    expect(before?.sha256).toEqual(expect.any(String));

    await appendFile(`${folder.docs}/manual.md`, '\nPart two.\n');
    const appendedAt = await mtimeOf('manual.md');
    const settling = new FakeClock(appendedAt + 1);
    const during = await pass(settling);
    expect(during.counts).toMatchObject({ extracted: 0, settling: 1, create: 0, replace: 0 });
    const untouched = await store.getDocumentByPath('docs', 'manual.md');
    expect(untouched).toMatchObject({ sha256: before?.sha256, size: before?.size, mtimeMs: before?.mtimeMs });

    await settling.advance(SETTLE_MS);
    const after = await pass(settling);
    expect(after.counts).toMatchObject({ extracted: 1, settling: 0 });
    const taken = await store.getDocumentByPath('docs', 'manual.md');
    expect(taken?.mtimeMs).toBe(appendedAt);
    expect(taken?.sha256).not.toBe(before?.sha256);
  });

  it('reads a file whose mtime is ahead of the clock (the clock and the file system disagree) at once', async () => {
    await folder.write('manual.md', '# Manual\n');
    const clock = new FakeClock((await mtimeOf('manual.md')) - 60_000);
    const report = await pass(clock);
    expect(report.counts).toMatchObject({ extracted: 1, create: 1, settling: 0 });
  });

  it('a dry run shows the settling files and does not count them as unchanged', async () => {
    await folder.write('done.md', '# Done\n');
    await folder.write('copying.md', '# Copying\n');
    const doneMtime = await mtimeOf('done.md');
    const copyingMtime = await mtimeOf('copying.md');
    const clock = new FakeClock(Math.max(doneMtime, copyingMtime) + 1);
    // Only copying.md is young: done.md is aged by putting its mtime far in the past.
    await utimes(`${folder.docs}/done.md`, new Date(doneMtime - 60_000), new Date(doneMtime - 60_000));

    const report = await pass(clock, true);
    expect(report.counts).toMatchObject({ create: 1, settling: 1 });
    const json = dryRunJson(report.plan, report.eta ?? { uploads: 0, firstSlotAt: null, lastSlotAt: null }, report.held, report.scanProblems, report.settlingFiles);
    expect(json).toMatchObject({ settling: 1, unchanged: 0, settlingFiles: [{ source: 'docs', path: 'copying.md' }] });
    expect(json.plan.map((item) => item.path)).toEqual(['done.md']);
    const lines: string[] = [];
    presentDryRun(json, { json: false }, { out: (line) => lines.push(line), err: () => undefined, isTTY: false });
    expect(lines).toContain('settling: 1 file still being written after the settle window; examined on the next pass');
    expect(lines).toContain('settling   copying.md (source docs)');
  });
});
