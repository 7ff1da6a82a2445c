/**
 * Issue 9 §1 and §4 from outside: a one-shot `sync` (and `sync --dry-run`) run right after the
 * files were written waits out the settle window and takes them, instead of deferring them to a
 * later pass that a CI job never has; only a file still being written is deferred, and named.
 * `--max-wait` without `--wait` is a usage error; `--dry-run` never creates, migrates or writes
 * the state file.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { releaseAll } from './cli-watch-harness.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { initial } from '../../src/store/sqlite/migrations/001-initial.js';
import { runBuiltCli, type CliRun } from '../support/run-cli.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';

const REPLICA = '6b2d0f4c-3e5a-4b7c-9d1e-2f3a4b5c6d7e';
const SECRET = 'e2e-oneshot-secret-19ab';
const SETTLE_MS = 1500;

let sim: Simulator | undefined;
let workspace: CliWorkspace | undefined;
afterEach(async () => {
  await releaseAll({ sim, workspace });
  sim = workspace = undefined;
});

async function setUp() {
  sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 40 } });
  const ws = createCliWorkspace({ prefix: 'cli-oneshot-', replicaUUID: REPLICA, config: { daemon: { awaitWriteFinishMs: SETTLE_MS } } });
  workspace = ws;
  const url = sim.url;
  const sync = (...args: string[]): Promise<CliRun> =>
    runBuiltCli(['sync', '--config', ws.configPath, ...args], {
      env: { SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: url },
      timeoutMs: 60_000,
    });
  return { sim, ws, sync };
}

function parse<T>(run: CliRun): T {
  expect(() => JSON.parse(run.stdout), `stdout: ${run.stdout}\nstderr: ${run.stderr.slice(-2000)}`).not.toThrow();
  return JSON.parse(run.stdout) as T;
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const companions = (statePath: string) => ['-wal', '-shm', '-journal'].filter((suffix) => existsSync(`${statePath}${suffix}`));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type SyncReport = {
  thisRun: { uploaded: number };
  settling: { files: number; paths: { source: string; path: string }[] };
};
type DryRun = { plan: { action: string; path: string }[]; settling: number; settlingFiles: { path: string }[] };

describe('sync right after the files were written', () => {
  it('uploads three files written just before the run (thisRun.uploaded 3)', async () => {
    const { sim, ws, sync } = await setUp();
    for (const name of ['a.md', 'b.md', 'c.md']) ws.write(name, `# ${name}\n\nWritten just now.\n`);

    const run = await sync('--json');
    const report = parse<SyncReport>(run);
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expect(report.thisRun.uploaded).toBe(3);
    expect(report.settling).toMatchObject({ files: 0, paths: [] });
    expect(sim.entries().map((e) => e.title).sort()).toEqual(['a.md', 'b.md', 'c.md']);
  });

  it('sync --dry-run right after copying a folder lists every copied file', async () => {
    const { ws, sync } = await setUp();
    const handbook = join(ws.dir, 'handbook');
    mkdirSync(handbook);
    for (let i = 1; i <= 5; i++) writeFileSync(join(handbook, `chapter-${i}.md`), `# Chapter ${i}\n\nText of chapter ${i}.\n`);
    cpSync(handbook, ws.docs, { recursive: true });

    const run = await sync('--dry-run', '--json');
    const report = parse<DryRun>(run);
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expect(report.plan.filter((item) => item.action === 'create').map((item) => item.path).sort()).toEqual(
      [1, 2, 3, 4, 5].map((i) => `chapter-${i}.md`),
    );
    expect(report.settling).toBe(0);
    expect(existsSync(ws.statePath)).toBe(false);
  });

  it('defers only a file still being appended after the window, and names it (json and human)', async () => {
    const { sim, ws, sync } = await setUp();
    ws.write('done.md', '# Done\n\nFinished before the run.\n');
    const growing = join(ws.docs, 'growing.log.txt');
    writeFileSync(growing, 'line 0\n');

    let running = true;
    const appender = (async () => {
      for (let i = 1; running; i++) {
        appendFileSync(growing, `line ${i}\n`);
        await sleep(100);
      }
    })();
    const [json, human] = await Promise.all([sync('--json'), sync('--dry-run')]).finally(() => {
      running = false;
    });
    await appender;

    const report = parse<SyncReport>(json);
    expect(json.code, json.stderr.slice(-2000)).toBe(0);
    expect(report.thisRun.uploaded).toBe(1);
    expect(report.settling.files).toBe(1);
    expect(report.settling.paths).toEqual([{ source: 'docs', path: 'growing.log.txt' }]);
    expect(sim.entries().map((e) => e.title)).toEqual(['done.md']);
    expect(human.stdout).toMatch(/settling: 1 file still being written/);
    expect(human.stdout).toContain('settling   growing.log.txt');
  });
});

describe('flags that mean what they say', () => {
  it('--max-wait without --wait is a usage error naming the flag', async () => {
    const { ws, sync } = await setUp();
    ws.write('a.md', '# A\n');
    const run = await sync('--max-wait', '60');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--max-wait');
    expect(run.stderr).toContain('--wait');
    expect(existsSync(ws.statePath)).toBe(false);
  });

  it('--dry-run leaves an existing state file byte-identical and creates no -wal or -shm', async () => {
    const { ws, sync } = await setUp();
    ws.write('a.md', '# A\n\nFirst.\n');
    expect((await sync('--json')).code).toBe(0);
    ws.write('b.md', '# B\n\nSecond.\n');
    const before = sha(ws.statePath);
    expect(companions(ws.statePath)).toEqual([]);

    const run = await sync('--dry-run', '--json');
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expect(parse<DryRun>(run).plan.map((item) => `${item.action} ${item.path}`)).toEqual(['create b.md']);
    expect(sha(ws.statePath)).toBe(before);
    expect(companions(ws.statePath)).toEqual([]);
  });

  it('--dry-run plans from an older-version state file without migrating or touching it', async () => {
    const { ws, sync } = await setUp();
    ws.write('a.md', '# A\n\nFirst.\n');
    writeOlderState(ws.statePath);
    const before = sha(ws.statePath);

    const run = await sync('--dry-run', '--json');
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expect(parse<DryRun>(run).plan.map((item) => `${item.action} ${item.path}`)).toEqual(['create a.md']);
    expect(sha(ws.statePath)).toBe(before);
    expect(companions(ws.statePath)).toEqual([]);
    const db = new Database(ws.statePath, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });

  it('--dry-run on a state file from a newer release says so (exit 2) and leaves it alone', async () => {
    const { ws, sync } = await setUp();
    ws.write('a.md', '# A\n');
    writeOlderState(ws.statePath, 999);
    const before = sha(ws.statePath);

    const run = await sync('--dry-run');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('STORE_TOO_NEW');
    expect(run.stderr).toMatch(/newer release/);
    expect(sha(ws.statePath)).toBe(before);
    expect(readdirSync(join(ws.dir, 'state'))).toEqual(['state.db']);
  });
});

/** A state file as the first release wrote it (schema 1, WAL, closed cleanly), or stamped `version`. */
function writeOlderState(path: string, version = 1): void {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(initial.sql);
  db.pragma(`user_version = ${version}`);
  db.close();
}
