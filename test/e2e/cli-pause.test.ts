/**
 * Issue 11 §3 from outside: `pause SOURCE` is kept in the state file, so a `sync` still scans the
 * paused source but uploads and deletes nothing for it (the simulator's request log shows no
 * create or delete), `status` says so, and `resume` lets the next `sync` upload it. `sync-now`
 * is recorded and the next pass takes it.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';
import { runBuiltCli, type CliRun } from '../support/run-cli.js';

const REPLICA = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d';
const SECRET = 'e2e-pause-secret-77aa';

let sim: Simulator | undefined;
let workspace: CliWorkspace | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  workspace?.remove();
  workspace = undefined;
});

type StatusJson = {
  pausedSources: { source: string; since: string }[];
  pendingActions: { kind: string; source: string | null }[];
  documents: { path: string; state: string }[];
};

function json<T>(run: CliRun): T {
  expect(() => JSON.parse(run.stdout), `stdout: ${run.stdout}\nstderr: ${run.stderr.slice(-2000)}`).not.toThrow();
  return JSON.parse(run.stdout) as T;
}

async function setUp() {
  const simulator = await startSimulator({ secret: SECRET, timeline: { stepMs: 20 } });
  sim = simulator;
  const ws = createCliWorkspace({ prefix: 'cli-pause-', replicaUUID: REPLICA });
  workspace = ws;
  const env = { SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: simulator.url };
  const cli = (...args: string[]): Promise<CliRun> => runBuiltCli([...args, '--config', ws.configPath], { env, timeoutMs: 60_000 });
  return { sim: simulator, ws, cli };
}

const creates = (s: Simulator) => s.requests().filter((r) => r.method === 'POST').length;
const deletes = (s: Simulator) => s.requests().filter((r) => r.method === 'DELETE').length;

describe('pause, resume and sync-now', () => {
  it('a paused source is scanned but nothing is uploaded or deleted for it until it is resumed', async () => {
    const { sim, ws, cli } = await setUp();

    ws.write('gone.md', '# Gone\n\nUploaded before the pause, removed during it.\n');
    ws.write('kept.md', '# Kept\n\nUploaded before the pause.\n');
    expect((await cli('sync', '--wait', '--max-wait', '30')).code).toBe(0);
    const before = { creates: creates(sim), deletes: deletes(sim) };

    const paused = await cli('pause', 'docs');
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout).toMatch(/paused +source docs: it is still scanned, but nothing is uploaded or deleted/);
    ws.write('new.md', '# New\n\nWritten while paused.\n');
    rmSync(join(ws.docs, 'gone.md'));
    // Nothing but a `resume` can move what is paused: `sync --wait` does not wait for it.
    const started = Date.now();
    await cli('sync', '--wait', '--max-wait', '120');
    expect(Date.now() - started).toBeLessThan(60_000);
    expect({ creates: creates(sim), deletes: deletes(sim) }).toEqual(before);

    const status = json<StatusJson>(await cli('status', '--json'));
    expect(status.pausedSources).toEqual([{ source: 'docs', since: expect.any(String) }]);
    expect(status.documents.map((d) => [d.path, d.state]).sort()).toEqual([['gone.md', 'deleting'], ['kept.md', 'ready'], ['new.md', 'queued']]);
    expect((await cli('status')).stdout).toMatch(/paused +source docs .*`resume docs` ends it/);

    expect((await cli('resume', 'docs')).code).toBe(0);
    expect((await cli('sync', '--wait', '--max-wait', '30')).code).toBe(0);
    expect(creates(sim)).toBe(before.creates + 1);
    expect(deletes(sim)).toBe(before.deletes + 1);
    expect(json<StatusJson>(await cli('status', '--json')).pausedSources).toEqual([]);
  }, 180_000);

  it('refuses a source the config does not have, and records sync-now for the next pass', async () => {
    const { cli } = await setUp();

    const unknown = await cli('pause', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no source named "nope" in the config; sources: docs');
    expect((await cli('sync-now', 'nope')).code).toBe(2);

    expect((await cli('sync-now')).code).toBe(0);
    expect(json<StatusJson>(await cli('status', '--json')).pendingActions).toEqual([{ kind: 'sync-now', source: null, requestedAt: expect.any(String) }]);
    expect((await cli('sync')).code).toBe(0);
    expect(json<StatusJson>(await cli('status', '--json')).pendingActions).toEqual([]);
  }, 120_000);
});
