import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { runBuiltCli } from '../support/run-cli.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';

const REPLICA = '8d4f2b6e-5a7c-4d9e-8f1a-4b5c6d7e8f9a';
const SECRET = 'e2e-retry-secret-2f8c';

let sim: Simulator;
let workspace: CliWorkspace;
let configPath: string;

beforeAll(async () => {
  sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 40 }, failures: [{ match: 'broken.txt', unprocessable: true }] });
  workspace = createCliWorkspace({ prefix: 'cli-retry-', replicaUUID: REPLICA });
  workspace.write('good.md', '# Good\n\nfine content\n');
  workspace.write('broken.txt', 'Sensay will refuse to process this one\n');
  configPath = workspace.configPath;
});
afterAll(async () => {
  await sim.close();
  workspace.remove();
});

const env = () => ({ SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: sim.url });
const statusOf = async (path: string) => {
  const run = await runBuiltCli(['status', '--config', configPath, '--json'], { env: env() });
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout).documents as { path: string }[]).find((d) => d.path === path);
};

describe('sensay-ingest retry', () => {
  it('after a sync leaves a file failed (UNPROCESSABLE), retry re-queues it with attempts reset and uploads nothing', async () => {
    const sync = await runBuiltCli(['sync', '--config', configPath, '--wait', '--max-wait', '30'], { env: env(), timeoutMs: 60_000 });
    expect(sync.code, sync.stderr).toBe(1);
    expect(await statusOf('broken.txt')).toMatchObject({ state: 'failed', attempts: 1 });

    const unknown = await runBuiltCli(['retry', '--config', configPath, 'nope.txt'], { env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown path "nope\.txt"/);

    const creates = sim.requests().filter((r) => r.method === 'POST').length;
    const run = await runBuiltCli(['retry', '--config', configPath, 'docs/broken.txt'], { env: env() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/re-queued\s+broken\.txt \(create; attempts reset from 1 attempt/);
    expect(run.stdout).toMatch(/retry uploads nothing itself/);
    expect(sim.requests().filter((r) => r.method === 'POST').length).toBe(creates);
    expect(await statusOf('broken.txt')).toMatchObject({ state: 'queued', attempts: 0, lastError: null });
    expect(await statusOf('good.md')).toMatchObject({ state: 'ready' });
  }, 60_000);
});
