import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import type { RacerReport } from '../support/budget-racer.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RACER = fileURLToPath(new URL('../support/budget-racer.ts', import.meta.url));
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

type Mode = 'slots' | 'claims' | 'open';

interface Racer {
  child: ChildProcess;
  ready: Promise<void>;
  done: Promise<RacerReport>;
}

function startRacer(path: string, mode: Mode, goFile: string, owner: string): Racer {
  const child = spawn(process.execPath, ['--import', 'tsx', RACER, path, mode, goFile, owner, String(ATTEMPTS), String(T0)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<RacerReport>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      markReady();
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`racer ${owner} exited ${String(code)}: ${stderr}`));
      else resolve(JSON.parse(last) as RacerReport);
    });
  });
  return { child, ready, done };
}

/** Starts every racer, waits until all have opened the file, then lets them go at once. */
async function race(path: string, mode: Mode): Promise<RacerReport[]> {
  const goFile = join(dir, 'go');
  const racers = Array.from({ length: RACERS }, (_, i) => startRacer(path, mode, goFile, `racer-${i}`));
  await Promise.all(racers.map((racer) => racer.ready));
  await writeFile(goFile, String(Date.now() + 100));
  return Promise.all(racers.map((racer) => racer.done));
}

function count(store: SqliteStore, sql: string): number {
  return (store.database.prepare(sql).get() as { n: number }).n;
}

describe('the upload budget across processes', () => {
  it(`${RACERS} processes racing for slots at 10 per hour get exactly 10 between them`, async () => {
    const path = join(dir, 'state.db');
    await (await openSqliteStore({ path })).close();

    const reports = await race(path, 'slots');

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

    const reports = await race(path, 'claims');

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

    const reports = await race(path, 'open');

    expect(reports.flatMap((report) => report.slotIds)).toHaveLength(10);
    await using store = await openSqliteStore({ path });
    expect(count(store, 'SELECT COUNT(*) AS n FROM budget_slots')).toBe(10);
  });
});
