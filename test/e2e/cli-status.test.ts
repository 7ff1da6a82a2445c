import { copyFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { runBuiltCli } from '../support/run-cli.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';

const REPLICA = '6b2d0f4c-3e5a-4b7c-9d1e-2f3a4b5c6d7e';
const SECRET = 'e2e-status-secret-9c2a';
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'extract');

let sim: Simulator;
let workspace: CliWorkspace;
let configPath: string;

beforeAll(async () => {
  sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 40 }, failures: [{ match: 'broken.txt', unprocessable: true }] });
  workspace = createCliWorkspace({ prefix: 'cli-status-', replicaUUID: REPLICA });
  configPath = workspace.configPath;
  workspace.write('good.md', '# Good\n\nfine content\n');
  workspace.write('broken.txt', 'Sensay will refuse to process this one\n');
  copyFileSync(join(FIXTURES, 'encrypted.pdf'), join(workspace.docs, 'locked.pdf'));
});
afterAll(async () => {
  await sim.close();
  workspace.remove();
});

// The budget is kept per API origin, so status must be pointed at the same API as sync (no secret needed).
const status = (...args: string[]) => runBuiltCli(['status', '--config', configPath, ...args], { env: { SENSAY_API_URL: sim.url } });

describe('sensay-ingest status', () => {
  it('before any sync: says nothing is recorded yet, exits 0 and creates no state file', async () => {
    const run = await status('--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ initialised: false, documents: [], budget: { remaining: 10, limit: 10 } });
    expect(existsSync(join(workspace.dir, 'state'))).toBe(false);
  });

  it('after a sync: every document with state, attempts, entry id and last error; totals; budget; queue', async () => {
    const sync = await runBuiltCli(['sync', '--config', configPath, '--wait', '--max-wait', '30'], {
      env: { SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: sim.url },
      timeoutMs: 60_000,
    });
    expect(sync.code, sync.stderr).toBe(1);

    const run = await status('--json');
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    const byPath = Object.fromEntries((report.documents as { path: string }[]).map((d) => [d.path, d]));
    expect(byPath['good.md']).toMatchObject({ state: 'ready', attempts: 1, entryId: expect.any(Number), lastError: null });
    expect(byPath['locked.pdf']).toMatchObject({ state: 'rejected', rejectReason: 'ENCRYPTED', entryId: null });
    expect(byPath['broken.txt']).toMatchObject({ state: 'failed', attempts: 1, lastError: { message: expect.any(String) } });
    expect(report.totals).toMatchObject({ ready: 1, failed: 1, rejected: 1, queued: 0, processing: 0 });
    expect(report.budget).toMatchObject({ limit: 10, used: 2, remaining: 8 });
    expect(report.queue).toMatchObject({ uploads: 0, nextUploadAt: null });

    const human = await status();
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/good\.md\s+ready/);
    expect(human.stdout).toMatch(/locked\.pdf\s+rejected.*ENCRYPTED/);
    expect(human.stdout).toMatch(/8 of 10 uploads left this hour/);
  });
});
