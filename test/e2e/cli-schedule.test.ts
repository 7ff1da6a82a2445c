import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { releaseAll } from './cli-watch-harness.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { BUILT_CLI, runBuiltCli } from '../support/run-cli.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';

const REPLICA = '7c3e1a5d-4f6b-4c8d-9e0f-3a4b5c6d7e8f';
const SECRET = 'e2e-schedule-secret-7d3e';

let sim: Simulator | undefined;
let workspace: CliWorkspace | undefined;
afterEach(async () => {
  await releaseAll({ sim, workspace });
  sim = workspace = undefined;
});

async function setUp(options: { latencyMs?: number } = {}) {
  sim = await startSimulator({
    secret: SECRET,
    timeline: { stepMs: 40 },
    ...(options.latencyMs !== undefined && { faults: { latencyMs: options.latencyMs } }),
  });
  workspace = createCliWorkspace({ prefix: 'cli-schedule-', replicaUUID: REPLICA });
  workspace.write('welcome.md', '# Welcome\n\nHello from the schedule.\n');
  workspace.write('faq.txt', 'Q: When?\nA: Every second, in this test.\n');
  return { sim, configPath: workspace.configPath };
}

type Event = Record<string, unknown> & { event: string };

/** Spawns `schedule --json` and reads its NDJSON events as they come. */
function spawnSchedule(configPath: string, cron: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [BUILT_CLI, 'schedule', '--config', configPath, '--cron', cron, '--json'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', SENSAY_INGEST_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Event[] = [];
  let stdout = '';
  let stderr = '';
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (!w.test()) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    const lines = stdout.split('\n');
    stdout = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') events.push(JSON.parse(line) as Event);
    check();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      check();
      resolve({ code, signal });
    }),
  );
  const until = (test: () => boolean, what: string, ms = 20_000) =>
    new Promise<void>((resolve, reject) => {
      if (test()) return resolve();
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events)}\n${stderr}`)), ms);
      waiters.push({ test, resolve: () => (clearTimeout(timer), resolve()) });
    });
  return { child, events, exited, until, stderr: () => stderr };
}

const uploadedSoFar = (events: Event[]) =>
  events.filter((e) => e.event === 'run').reduce((n, e) => n + (e.thisRun as { uploaded: number }).uploaded, 0);

describe('sensay-ingest schedule', () => {
  it('runs the sync on every tick without overlapping, uploads the folder once, and exits 0 on SIGTERM', async () => {
    // Slow API answers make one run outlast several one-second ticks.
    const t = await setUp({ latencyMs: 400 });
    const run = spawnSchedule(t.configPath, '* * * * * *', { SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: t.sim.url });
    try {
      await run.until(() => run.events.some((e) => e.event === 'schedule'), 'the start line');
      const start = run.events[0]!;
      expect(start).toMatchObject({ cron: '* * * * * *', nextRuns: expect.any(Array) });
      expect((start.nextRuns as string[]).length).toBe(3);

      await run.until(() => uploadedSoFar(run.events) >= 2 && run.events.some((e) => e.event === 'skipped'), 'uploads and a skipped tick');
      const runEvent = run.events.find((e) => e.event === 'run')!;
      expect(runEvent).toMatchObject({ run: 1, documents: { failed: 0, rejected: 0 }, thisRun: { uploaded: expect.any(Number) } });
      expect(run.stderr()).toMatch(/tick skipped: the previous run is still going/);
    } finally {
      run.child.kill('SIGTERM');
    }
    const exit = await run.exited;
    expect(exit.code, run.stderr()).toBe(0);
    expect(run.events.at(-1)).toMatchObject({ event: 'stopped', stoppedBy: 'signal' });
    // Overlapping ticks never ran a second sync at once: every file has exactly one entry.
    const titles = t.sim.entries().filter((e) => !e.deleted).map((e) => e.title).sort();
    expect(titles).toEqual(['faq.txt', 'welcome.md']);
  }, 40_000);

  it('an invalid expression exits 2, naming the flag and the problem', async () => {
    const run = await runBuiltCli(['schedule', '--cron', '61 * * * *'], { env: { SENSAY_ORGANIZATION_SECRET: SECRET } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--cron "61 \* \* \* \*" is not a usable cron expression: .*minute: 61/);

    const missing = await runBuiltCli(['schedule'], { env: { SENSAY_ORGANIZATION_SECRET: SECRET } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--cron is required/);
  });

  it('a rejected secret stops the schedule with exit 3 and never prints the secret', async () => {
    const t = await setUp();
    const wrong = 'wrong-secret-do-not-print-5e1f';
    const run = spawnSchedule(t.configPath, '* * * * * *', { SENSAY_ORGANIZATION_SECRET: wrong, SENSAY_API_URL: t.sim.url });
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 20_000);
    const exit = await run.exited;
    clearTimeout(timer);
    expect(exit.code, run.stderr()).toBe(3);
    expect(run.stderr()).toMatch(/check the organisation secret/);
    expect(run.stderr() + JSON.stringify(run.events)).not.toContain(wrong);
    expect(run.events.at(-1)).toMatchObject({ event: 'stopped', stoppedBy: 'run' });
  }, 30_000);
});
