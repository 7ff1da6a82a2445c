import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';
import { runBuiltCli } from '../support/run-cli.js';

const REPLICA = '3f1c7d8e-0000-4000-8000-0000000000d0';

let ws: CliWorkspace;
beforeEach(() => {
  ws = createCliWorkspace({ prefix: 'sensay-doctor-', replicaUUID: REPLICA });
});
afterEach(() => ws.remove());

async function fillState(count: number): Promise<void> {
  await using store = await openSqliteStore({ path: ws.statePath });
  const files = Array.from({ length: count }, (_, i) => ({ sourceName: 'docs', relPath: `f-${i}.md`, replicaUUID: REPLICA, size: i, mtimeMs: i }));
  await store.upsertScannedMany(files, Date.UTC(2026, 0, 1));
}

const doctor = (...args: string[]) => runBuiltCli(['doctor', '--config', ws.configPath, ...args]);

describe('sensay-ingest doctor', () => {
  it('says there is nothing to check before the first sync, and does not create the file', async () => {
    const run = await doctor('--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ state: ws.statePath, exists: false, ok: true });
  });

  it('reports a sound state file as ok, quick and full', async () => {
    await fillState(200);
    const quick = await doctor();
    expect(quick.code).toBe(0);
    expect(quick.stdout).toMatch(/quick_check ok/);
    const full = await doctor('--full', '--json');
    expect(full.code).toBe(0);
    expect(JSON.parse(full.stdout)).toMatchObject({ exists: true, check: 'full', ok: true, problems: [], advice: null });
  });

  it('finds a damaged page that opening does not read, exits 1 and says what to do', async () => {
    await fillState(300);
    const fd = openSync(ws.statePath, 'r+');
    writeSync(fd, Buffer.alloc(200, 0x5a), 0, 200, 4096); // page 2: the documents table's root
    closeSync(fd);
    const run = await doctor('--json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ exists: true, check: 'quick', ok: false });
    expect(report.problems.length).toBeGreaterThan(0);
    expect(report.advice).toMatch(/move it aside together with its -wal and -shm files/);
    const pretty = await doctor();
    expect(pretty.code).toBe(1);
    expect(pretty.stdout).toMatch(/is damaged \(quick_check/);
  });

  it('reports a file that is not a database as damaged, not as a crash', async () => {
    mkdirSync(dirname(ws.statePath), { recursive: true });
    writeFileSync(ws.statePath, 'not a database '.repeat(500));
    const run = await doctor('--json');
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, problems: [expect.stringMatching(/SQLITE_NOTADB|not a database/)] });
  });
});
