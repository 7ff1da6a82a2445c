import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';
import { LATEST_SCHEMA_VERSION } from '../../src/store/sqlite/migrations/index.js';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const REPLICA = '3f1c7d8e-0000-4000-8000-00000000000a';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sensay-store-sqlite-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fillWithDocuments(path: string, count: number): Promise<void> {
  await using store = await openSqliteStore({ path });
  for (let i = 0; i < count; i++) {
    await store.upsertScanned({ sourceName: 'docs', relPath: `folder/file-${i}.pdf`, replicaUUID: REPLICA, size: i, mtimeMs: i }, T0);
  }
}

function damagePages(path: string, pages: readonly number[]): void {
  const fd = openSync(path, 'r+');
  for (const page of pages) writeSync(fd, Buffer.alloc(200, 0x5a), 0, 200, (page - 1) * 4096);
  closeSync(fd);
}

describe('SQLite state file', () => {
  it('creates its folder and runs in WAL mode with foreign keys, NORMAL sync and the busy timeout', async () => {
    const path = join(dir, 'nested', 'deeper', 'state.db');
    await using store = await openSqliteStore({ path, busyTimeoutMs: 1234 });
    const db = store.database;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
  });

  it('defaults the busy timeout to 5 seconds', async () => {
    await using store = await openSqliteStore({ path: join(dir, 'state.db') });
    expect(store.database.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('keeps documents, jobs, the budget ledger, blocks and meta across a restart', async () => {
    const path = join(dir, 'state.db');
    {
      await using store = await openSqliteStore({ path });
      const { document } = await store.upsertScanned({ sourceName: 'docs', relPath: 'a.pdf', replicaUUID: REPLICA, size: 3, mtimeMs: 4.5 }, T0);
      await store.queueUpload({ documentId: document.id, kind: 'create', now: T0 });
      for (let i = 0; i < 10; i++) await store.acquireUploadSlot({ scope: 'org', limit: 10, windowMs: HOUR, now: T0 + i });
      await store.setBlockedUntil('org', T0 + 2 * HOUR, 'Retry-After');
      await store.setMeta('owner', 'host-a');
    }
    await using reopened = await openSqliteStore({ path });
    expect(await reopened.getDocumentByPath('docs', 'a.pdf')).toMatchObject({ state: 'queued', mtimeMs: 4.5 });
    expect(await reopened.listJobs({ states: ['queued'] })).toHaveLength(1);
    expect(await reopened.budgetStatus('org', 10, HOUR, T0 + 30 * 60_000)).toMatchObject({
      used: 10,
      remaining: 0,
      blockedUntil: T0 + 2 * HOUR,
    });
    expect(await reopened.getMeta('owner')).toBe('host-a');
  });

  it('runs each migration once: reopening an up-to-date file changes nothing', async () => {
    const path = join(dir, 'state.db');
    await fillWithDocuments(path, 3);
    const logged: string[] = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => logged.push(line) });
    await using again = await openSqliteStore({ path, log });
    expect(again.database.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(await again.listDocuments()).toHaveLength(3);
    expect(logged.some((line) => line.includes('state store migrated'))).toBe(false);
    expect(logged.every((line) => JSON.parse(line).component === 'store')).toBe(true);
  });

  it('opens a file with a damaged data page without a full check: checkIntegrity finds it, a read of it is STORE_CORRUPT', async () => {
    const path = join(dir, 'state.db');
    await fillWithDocuments(path, 300);
    damagePages(path, [2]); // the root of the documents table: neither the header nor the schema
    // Opening reads the header and the schema only: its cost does not grow with the file.
    await using store = await openSqliteStore({ path });
    const report = await store.checkIntegrity('quick');
    expect(report).toMatchObject({ ok: false, mode: 'quick' });
    expect(report.problems.length).toBeGreaterThan(0);
    expect((await store.checkIntegrity('full')).ok).toBe(false);
    const reading = store.listDocuments();
    await expect(reading).rejects.toMatchObject({ name: 'StoreError', code: 'STORE_CORRUPT', path });
    await expect(reading).rejects.toThrow(/move the file/);
  });

  it('reports a sound file as ok in both check modes', async () => {
    const path = join(dir, 'state.db');
    await fillWithDocuments(path, 30);
    await using store = await openSqliteStore({ path });
    expect(await store.checkIntegrity('quick')).toEqual({ ok: true, mode: 'quick', problems: [] });
    expect(await store.checkIntegrity('full')).toEqual({ ok: true, mode: 'full', problems: [] });
  });

  it('reports a file that is not a database at all as corrupt', async () => {
    const path = join(dir, 'state.db');
    await writeFile(path, 'this is a text file, not SQLite '.repeat(200));
    await expect(openSqliteStore({ path })).rejects.toMatchObject({ code: 'STORE_CORRUPT', path });
  });

  it('refuses a file written by a newer release', async () => {
    const path = join(dir, 'state.db');
    await fillWithDocuments(path, 1);
    const raw = new Database(path);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();
    const opening = openSqliteStore({ path });
    await expect(opening).rejects.toMatchObject({ code: 'STORE_TOO_NEW', path });
    await expect(opening).rejects.toThrow(`schema version ${LATEST_SCHEMA_VERSION + 1}`);
  });

  it('reports a state path it cannot create', async () => {
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    await expect(openSqliteStore({ path: join(blocker, 'state.db') })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('gives up with STORE_BUSY when another process holds the write lock past the timeout', async () => {
    const path = join(dir, 'state.db');
    await using store = await openSqliteStore({ path, busyTimeoutMs: 50 });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(store.acquireUploadSlot({ scope: 'org', limit: 10, windowMs: HOUR, now: T0 })).rejects.toMatchObject({
        code: 'STORE_BUSY',
      });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(await store.acquireUploadSlot({ scope: 'org', limit: 10, windowMs: HOUR, now: T0 })).toMatchObject({ granted: true });
  });

  it('rolls a failed transition back whole', async () => {
    const path = join(dir, 'state.db');
    await using store = await openSqliteStore({ path });
    const { document } = await store.upsertScanned({ sourceName: 'docs', relPath: 'a.pdf', replicaUUID: REPLICA, size: 1, mtimeMs: 1 }, T0);
    const before = await store.listEvents();
    // A trigger makes the event insert fail after the document update inside the same transaction.
    store.database.exec(`CREATE TEMP TRIGGER fail_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'boom'); END`);
    await expect(store.queueUpload({ documentId: document.id, kind: 'create', now: T0 + 1 })).rejects.toMatchObject({ code: 'STORE_FAILED' });
    store.database.exec('DROP TRIGGER fail_events');
    expect(await store.getDocument(document.id)).toMatchObject({ state: 'discovered' });
    expect(await store.listJobs()).toEqual([]);
    expect(await store.listEvents()).toEqual(before);
  });
});
