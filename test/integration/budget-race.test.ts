import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { race, type RacerMode } from '../support/racer-harness.js';

const T0 = Date.UTC(2026, 0, 1, 12);
const RACERS = 4;
const ATTEMPTS = 60;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sensay-budget-race-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const owners = Array.from({ length: RACERS }, (_, i) => ({ owner: `racer-${i}` }));
const raceOn = (path: string, mode: RacerMode) => race(path, mode, { dir, racers: owners, attempts: ATTEMPTS, t0: T0 });

function count(store: SqliteStore, sql: string): number {
  return (store.database.prepare(sql).get() as { n: number }).n;
}

describe('the upload budget across processes', () => {
  it(`${RACERS} processes racing for slots at 10 per hour get exactly 10 between them`, async () => {
    const path = join(dir, 'state.db');
    await (await openSqliteStore({ path })).close();

    const reports = await raceOn(path, 'slots');

    const granted = reports.flatMap((report) => report.slotIds);
    expect(granted).toHaveLength(10);
    expect(new Set(granted).size).toBe(10);
    expect(reports.reduce((sum, report) => sum + report.refusals, 0)).toBe(RACERS * ATTEMPTS - 10);
    await using store = await openSqliteStore({ path });
    expect(count(store, 'SELECT COUNT(*) AS n FROM budget_slots')).toBe(10);
    expect((await store.budgetStatus('org', 10, 3_600_000, T0 + ATTEMPTS)).remaining).toBe(0);
  });

  it(`${RACERS} processes claiming from 15 queued uploads at 10 per hour claim 10 distinct jobs, none twice`, async () => {
    const path = join(dir, 'state.db');
    {
      await using store = await openSqliteStore({ path });
      for (let i = 0; i < 15; i++) {
        const { document } = await store.upsertScanned(
          { sourceName: 'docs', relPath: `file-${i}.pdf`, replicaUUID: '3f1c7d8e-0000-4000-8000-00000000000a', size: i, mtimeMs: i },
          T0 - 1000,
        );
        await store.queueUpload({ documentId: document.id, kind: 'create', now: T0 - 1000 + i });
      }
    }

    const reports = await raceOn(path, 'claims');

    const claimed = reports.flatMap((report) => report.jobIds);
    expect(claimed).toHaveLength(10);
    expect(new Set(claimed).size).toBe(10);
    await using store = await openSqliteStore({ path });
    expect(count(store, 'SELECT COUNT(*) AS n FROM budget_slots')).toBe(10);
    const running = await store.listJobs({ states: ['running'] });
    expect(running.map((job) => job.id).sort((a, b) => a - b)).toEqual([...claimed].sort((a, b) => a - b));
    expect(await store.listJobs({ states: ['queued'] })).toHaveLength(5);
    expect((await store.countDocumentsByState()).uploading).toBe(10);
    // Each claim went to whoever asked; the owner recorded is the one that reported it.
    for (const report of reports) {
      for (const id of report.jobIds) expect(running.find((job) => job.id === id)?.owner).toBe(report.owner);
    }
  });

  it(`${RACERS} processes creating a fresh state file at the same moment all get one migrated store`, async () => {
    const path = join(dir, 'fresh', 'state.db');

    const reports = await raceOn(path, 'open');

    expect(reports.flatMap((report) => report.slotIds)).toHaveLength(10);
    await using store = await openSqliteStore({ path });
    expect(count(store, 'SELECT COUNT(*) AS n FROM budget_slots')).toBe(10);
  });
});
