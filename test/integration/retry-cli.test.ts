import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { openSqliteStore } from '../../src/store/index.js';
import { expectOk, queuedCreate, REPLICA_A, T0, uploadClaimInput } from '../contract/store-contract-fixtures.js';

let dir: string;
let configPath: string;
let statePath: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'retry-cli-'));
  mkdirSync(join(dir, 'docs'));
  configPath = join(dir, 'sensay-ingest.config.json');
  statePath = join(dir, 'state', 'state.db');
  writeFileSync(configPath, JSON.stringify({ state: 'state/state.db', sources: [{ name: 'docs', path: 'docs', replicaUUID: REPLICA_A }] }));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function retry(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false };
  const code = await runCli(['retry', '--config', configPath, ...args], { io, env: {}, cwd: dir });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** Two documents failed as UNPROCESSABLE, as a sync would leave them. */
async function seedFailed(...relPaths: string[]): Promise<void> {
  const store = await openSqliteStore({ path: statePath });
  try {
    for (const relPath of relPaths) {
      await queuedCreate(store, relPath);
      const claim = await store.claimUpload({ ...uploadClaimInput('setup', T0, { limit: 100 }), scope: 'setup' });
      if (!claim.ok) throw new Error(claim.reason);
      const entryId = claim.document.id + 100;
      expectOk(await store.recordEntryCreated(claim.document.id, entryId, T0));
      expectOk(await store.markProcessing(claim.document.id, entryId, T0));
      expectOk(await store.markFailed(claim.document.id, { message: 'refused', code: 'UNPROCESSABLE' }, T0));
      expectOk(await store.forgetEntry(claim.document.id, entryId, T0));
    }
  } finally {
    await store.close();
  }
}

async function states(): Promise<Record<string, [string, number]>> {
  const store = await openSqliteStore({ path: statePath });
  try {
    return Object.fromEntries((await store.listDocuments()).map((d) => [d.relPath, [d.state, d.attempts]]));
  } finally {
    await store.close();
  }
}

describe('sensay-ingest retry (in process, real state file)', () => {
  it('re-queues every failed document, says the next sync uploads them, exits 0', async () => {
    await seedFailed('a.txt', 'b.txt');
    const run = await retry();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/re-queued\s+a\.txt/);
    expect(run.stdout).toMatch(/re-queued\s+b\.txt/);
    expect(run.stdout).toMatch(/next `sync`/);
    expect(await states()).toEqual({ 'a.txt': ['queued', 0], 'b.txt': ['queued', 0] });
  });

  it('with a path named (here as a file on disk), re-queues only that one; --json lists it', async () => {
    await seedFailed('a.txt', 'b.txt');
    const run = await retry('--json', join(dir, 'docs', 'b.txt'));
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ requeued: [{ source: 'docs', path: 'b.txt', kind: 'create', attemptsBefore: 1 }], uploaded: false });
    expect(await states()).toEqual({ 'a.txt': ['failed', 1], 'b.txt': ['queued', 0] });
  });

  it('an unknown path exits 2, names it, and re-queues nothing', async () => {
    await seedFailed('a.txt');
    const run = await retry('a.txt', 'missing.txt');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown path "missing\.txt"/);
    expect(await states()).toEqual({ 'a.txt': ['failed', 1] });
  });

  it('before any sync: nothing to retry, exit 0, and no state file is created', async () => {
    const run = await retry();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/nothing to retry/);
    expect(existsSync(statePath)).toBe(false);
  });
});
