import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';
import { BUILT_CLI, PROJECT_ROOT, runBuiltCli } from '../support/run-cli.js';

/**
 * A cron `sync` killed while its in-place update (PATCH rawText) is in flight: the PATCH was
 * applied but never answered. The next `sync` must settle it without a create or a duplicate:
 * one entry per document, READY, carrying the new text.
 */
const REPLICA = '5a7c9e1b-3d5f-4a6c-8e0a-2b4d6f8a0c1e';
const SECRET = 'kill-update-secret-7d9f';

let sim: Simulator | undefined;
let ws: CliWorkspace | undefined;
afterEach(async () => {
  await sim?.close();
  ws?.remove();
  sim = ws = undefined;
});

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('sync killed during an in-place update', () => {
  it('recovers on the next run: one READY entry per document with the new text, no create', async () => {
    sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 30 } });
    ws = createCliWorkspace({ prefix: 'cli-kill-update-', replicaUUID: REPLICA, source: { mode: 'text' }, config: { limits: { recreateBackoffSeconds: 1 } } });
    const env = { PATH: process.env.PATH ?? '', HOME: ws.dir, SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: sim.url };
    const sync = () => runBuiltCli(['sync', '--config', ws!.configPath, '--wait', '--max-wait', '60', '--json'], { env, timeoutMs: 90_000 });
    for (const name of ['a', 'b', 'c']) ws.write(`${name}.md`, `# ${name}\n\nversion one of ${name}\n`);
    expect((await sync()).code).toBe(0);
    expect(sim.stats().creates).toBe(3);

    ws.write('a.md', '# a\n\nversion two of a\n');
    ws.write('b.md', '# b\n\nversion two of b\n');
    sim.inject({ patchTimeout: { next: 1, mode: 'hang' } });
    const first = spawn(process.execPath, [BUILT_CLI, 'sync', '--config', ws.configPath], { cwd: PROJECT_ROOT, env, stdio: 'ignore' });
    const s = sim;
    await until(() => s.requests().some((r) => r.method === 'PATCH' && r.outcome === 'hung'), 30_000);
    const exited = new Promise((resolve) => first.on('exit', resolve));
    first.kill('SIGKILL');
    await exited;
    sim.resetFaults();

    const second = await sync();
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).documents).toMatchObject({ ready: 3, failed: 0, queued: 0, processing: 0 });
    const live = sim.entries().filter((e) => !e.deleted);
    expect(live.map((e) => e.title).sort()).toEqual(['a.md', 'b.md', 'c.md']);
    expect(live.every((e) => e.status === 'READY')).toBe(true);
    expect(live.find((e) => e.title === 'a.md')?.text).toBe('# a\n\nversion two of a');
    expect(live.find((e) => e.title === 'b.md')?.text).toBe('# b\n\nversion two of b');
    expect(sim.stats().creates).toBe(3);
  }, 150_000);
});
