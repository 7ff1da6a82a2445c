import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';
import { runBuiltCli } from '../support/run-cli.js';

/** Issue 8 §1 driven from the built CLI: bounded attempts when storage refuses every PUT, and a redirecting API. */
const REPLICA = '7d2e4f60-1a3b-4c5d-8e9f-0a1b2c3d4e5f';
const SECRET = 'e2e-retries-secret-9c2a';

let sim: Simulator | undefined;
let server: Server | undefined;
let workspace: CliWorkspace | undefined;
afterEach(async () => {
  await sim?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  workspace?.remove();
  sim = server = workspace = undefined;
});

function setUp(maxAttempts: number): CliWorkspace {
  workspace = createCliWorkspace({
    prefix: 'cli-retries-',
    replicaUUID: REPLICA,
    config: { api: { baseUrl: 'https://api.sensay.io' }, limits: { uploadsPerHour: 10, maxAttempts, recreateBackoffSeconds: 1 } },
  });
  workspace.write('guide.md', '# Guide\n\nHow to do it.\n');
  workspace.write('notes.txt', 'Some notes.\n');
  return workspace;
}

describe('sensay-ingest sync when uploads keep failing', () => {
  it('storage refusing every PUT: documents failed after maxAttempts creates each, no entry left, exit 1', async () => {
    sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 40 }, faults: { uploadRefusal: { status: 403 } } });
    const ws = setUp(2);
    const run = await runBuiltCli(['sync', '--config', ws.configPath, '--json', '--wait', '--max-wait', '60'], {
      env: { SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: sim.url },
      timeoutMs: 90_000,
    });
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as { documents: Record<string, number>; failed: { path: string; error: string }[] };
    expect(report.documents).toMatchObject({ failed: 2, ready: 0, queued: 0 });
    expect(report.failed.map((f) => f.path).sort()).toEqual(['guide.md', 'notes.txt']);
    expect(report.failed[0]!.error).toMatch(/^upload failed: HTTP 403 SIGNED_URL_EXPIRED: .*\(requestId [^)]+\)$/);
    expect(sim.stats().creates).toBe(4);
    expect(sim.entries().filter((e) => !e.deleted)).toEqual([]);
  });

  it('an API that redirects: exit 2 naming api.baseUrl, nothing marked failed', async () => {
    server = createServer((req, res) => {
      res.writeHead(308, { location: `https://elsewhere.example${req.url ?? '/'}` });
      res.end();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const ws = setUp(3);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const run = await runBuiltCli(['sync', '--config', ws.configPath], {
      env: { SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: url },
      timeoutMs: 60_000,
    });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/api\.baseUrl/);
    expect(run.stderr).not.toContain(SECRET);
    const status = await runBuiltCli(['status', '--config', ws.configPath, '--json'], { env: { SENSAY_ORGANIZATION_SECRET: SECRET }, timeoutMs: 30_000 });
    // The credentials check (the first request) meets the redirect: the run stops before it plans.
    const totals = (JSON.parse(status.stdout) as { totals: { failed: number; rejected: number } }).totals;
    expect(totals).toMatchObject({ failed: 0, rejected: 0 });
  });
});
