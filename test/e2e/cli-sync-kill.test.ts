import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { BUILT_CLI, PROJECT_ROOT, runBuiltCli } from '../support/run-cli.js';

/**
 * What an operator sees when a cron `sync` is killed in the middle of a create (OOM killer,
 * reboot): the next `sync` on the same machine must not wait out the dead run's lease, and the
 * replica must end with exactly one READY entry per document — no duplicate, no orphan.
 */
const REPLICA = '7c2e4a6b-8d0f-4a1b-9c3d-5e7f9a1b3c5d';
const SECRET = 'kill-e2e-secret-2c4e';

let sim: Simulator | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  sim = undefined;
  dir = undefined;
});

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function writeConfig(dir: string, mode: 'file' | 'text'): string {
  const configPath = join(dir, 'sensay-ingest.config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      state: 'state.db',
      status: { pollIntervalSeconds: 1 },
      limits: { recreateBackoffSeconds: 1 },
      extraction: { workers: 1 },
      // Files are written just before the run: not what this test is about (see cli-sync-settle).
      daemon: { awaitWriteFinishMs: 0 },
      sources: [{ path: 'docs', replicaUUID: REPLICA, mode }],
    }),
  );
  return configPath;
}

function cliEnv(simUrl: string): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: tmpdir(), SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: simUrl };
}

describe('sync killed during an upload', () => {
  it.each(['create', 'upload'] as const)('recovers on the next run with one READY entry per document (killed during the %s)', async (step) => {
    sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 30 } });
    dir = mkdtempSync(join(tmpdir(), 'cli-kill-'));
    mkdirSync(join(dir, 'docs'));
    const files: Record<string, string> = {};
    for (let i = 0; i < 3; i++) {
      const text = `Document ${i}: ${'content '.repeat(50 + i)}`;
      writeFileSync(join(dir, 'docs', `doc-${i}.txt`), text);
      files[`doc-${i}.txt`] = createHash('sha256').update(text).digest('hex');
    }
    const configPath = writeConfig(dir, 'file');
    const env = cliEnv(sim.url);

    // Hold the POST (processed, never answered) or the signed-URL PUT until the process is killed.
    if (step === 'create') sim.inject({ createTimeout: { next: 1, mode: 'hang' } });
    else sim.inject({ latencyMs: { ms: 120_000, scope: 'upload' } });
    const first = spawn(process.execPath, [BUILT_CLI, 'sync', '--config', configPath], { cwd: PROJECT_ROOT, env, stdio: 'ignore' });
    const s = sim;
    await until(
      () => (step === 'create' ? s.stats().createTimeouts >= 1 : s.requests().some((r) => r.method === 'PUT' && r.outcome === 'pending')),
      30_000,
    );
    const exited = new Promise((resolve) => first.on('exit', resolve));
    first.kill('SIGKILL');
    await exited;
    sim.resetFaults();

    const second = await runBuiltCli(['sync', '--config', configPath, '--wait', '--max-wait', '60', '--json'], { env, timeoutMs: 90_000 });
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).documents).toMatchObject({ ready: 3, failed: 0, queued: 0, processing: 0 });

    const live = sim.entries().filter((e) => !e.deleted);
    expect(live.map((e) => e.title).sort()).toEqual(Object.keys(files).sort());
    for (const entry of live) {
      expect(entry.status).toBe('READY');
      expect(entry.upload?.sha256).toBe(files[entry.title ?? '']);
    }
  }, 120_000);

  // Soak seed 3232504: the create reached the server, the run died before recording it, and the
  // file was deleted before the next run. That run must find the entry by title and delete it.
  it('deletes the entry of a create cut short by the kill when its file is deleted before the next run', async () => {
    sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 30 } });
    dir = mkdtempSync(join(tmpdir(), 'cli-kill-delete-'));
    mkdirSync(join(dir, 'docs'));
    for (let i = 0; i < 3; i++) writeFileSync(join(dir, 'docs', `note-${i}.md`), `# Note ${i}\n\n${'words '.repeat(40 + i)}\n`);
    const configPath = writeConfig(dir, 'text');
    const env = cliEnv(sim.url);

    // The first create is processed (the entry exists) but never answered; the run is killed there.
    sim.inject({ createTimeout: { next: 1, mode: 'hang' } });
    const first = spawn(process.execPath, [BUILT_CLI, 'sync', '--config', configPath], { cwd: PROJECT_ROOT, env, stdio: 'ignore' });
    const s = sim;
    await until(() => s.stats().createTimeouts >= 1, 30_000);
    const exited = new Promise((resolve) => first.on('exit', resolve));
    first.kill('SIGKILL');
    await exited;
    sim.resetFaults();
    const [cutShort] = sim.entries().filter((e) => !e.deleted);
    const title = cutShort?.title ?? '';
    expect(title).toMatch(/^note-\d\.md$/);
    rmSync(join(dir, 'docs', title));

    const second = await runBuiltCli(['sync', '--config', configPath, '--wait', '--max-wait', '60', '--json'], { env, timeoutMs: 90_000 });
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).documents).toMatchObject({ ready: 2, failed: 0, queued: 0, processing: 0 });
    const live = sim.entries().filter((e) => !e.deleted);
    const remaining = ['note-0.md', 'note-1.md', 'note-2.md'].filter((name) => name !== title);
    expect(live.map((e) => e.title).sort()).toEqual(remaining);
    expect(live.every((e) => e.status === 'READY')).toBe(true);
  }, 120_000);
});
