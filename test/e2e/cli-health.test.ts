import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorOptions, type Simulator } from '../../src/sim/index.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';
import { runBuiltCli } from '../support/run-cli.js';
import { freePort, spawnCli, type LiveCli, releaseAll } from './cli-watch-harness.js';

const REPLICA = '5d0e9b1c-2a3f-4e6d-9c8b-7a6f5e4d3c2b';
const SECRET = 'e2e-health-secret-41d9';

let sim: Simulator | undefined;
let workspace: CliWorkspace | undefined;
let cli: LiveCli | undefined;
afterEach(async () => {
  await releaseAll({ cli, sim, workspace });
  cli = sim = workspace = undefined;
});

type Probe = { status: number; text: string; body: { status: string; reasons: { code: string; replicaUUID?: string }[] } };

async function probe(url: string): Promise<Probe> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Probe['body'] };
}

/** `watch` on a fresh workspace against the simulator, /healthz etc. on a free port. */
async function startWatch(options: { sim?: SimulatorOptions; daemon?: Record<string, unknown> } = {}) {
  sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 50 }, ...options.sim });
  const port = await freePort();
  workspace = createCliWorkspace({ prefix: 'cli-health-', replicaUUID: REPLICA, config: { daemon: { port, ...options.daemon } } });
  cli = spawnCli(['watch', '--config', workspace.configPath], { SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: sim.url });
  const base = `http://127.0.0.1:${port}`;
  const c = cli;
  await c.until('the status server', () => c.stdout().includes(`Health: ${base}/healthz`), 30_000);
  return { sim, cli: c, ws: workspace, healthz: `${base}/healthz`, readyz: `${base}/readyz` };
}

/** Resolves with the probe once `accept` holds. */
async function probeUntil(live: LiveCli, url: string, what: string, accept: (p: Probe) => boolean, timeoutMs = 20_000): Promise<Probe> {
  let last: Probe | undefined;
  await live.until(what, async () => accept((last = await probe(url))), timeoutMs);
  return last!;
}

// Each test waits for the first pass, whose extraction workers start slowly on a loaded machine.
describe('watch: /healthz is liveness, /readyz is readiness', { timeout: 60_000 }, () => {
  it('/healthz answers 503 LOOP_STUCK while a round hangs on a slow API for more than 3 poll intervals, and 200 again once it completes', async () => {
    const t = await startWatch();
    await t.cli.until('the catch-up pass', () => t.cli.stderr().includes('"msg":"sync pass finished"'), 30_000);
    expect((await probe(t.healthz)).status).toBe(200);

    // Every API call now takes 6 s; pollIntervalSeconds is 1: the round uploading this file hangs.
    t.sim.inject({ latencyMs: 6000 });
    t.ws.write('slow.md', '# Slow\n\nThe API takes its time.\n');
    const stuck = await probeUntil(t.cli, t.healthz, '/healthz 503', (p) => p.status === 503);
    expect(stuck.body).toMatchObject({ status: 'unavailable', reasons: [{ code: 'LOOP_STUCK' }] });
    expect(stuck.text).not.toContain(t.ws.statePath);
    expect(stuck.text).not.toContain(t.ws.dir);

    t.sim.inject({ latencyMs: null });
    await probeUntil(t.cli, t.healthz, '/healthz 200 again', (p) => p.status === 200);
    expect((await t.cli.stop('SIGTERM')).code).toBe(0);
  });

  it('/readyz answers 503 API_UNREACHABLE once the API has been down longer than daemon.unhealthyAfterSeconds, while /healthz stays 200; ready again when it answers', async () => {
    const t = await startWatch({ sim: { faults: { status5xx: { every: 1, status: 503 } } }, daemon: { unhealthyAfterSeconds: 1 } });
    const down = await probeUntil(t.cli, t.readyz, '/readyz API_UNREACHABLE', (p) => p.body.reasons.some((r) => r.code === 'API_UNREACHABLE'));
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('unavailable');
    expect(down.text).not.toContain(t.ws.dir);
    expect((await probe(t.healthz)).status).toBe(200);

    t.sim.resetFaults();
    const up = await probeUntil(t.cli, t.readyz, '/readyz 200', (p) => p.status === 200);
    expect(up.body).toMatchObject({ status: 'ready', reasons: [] });
  });

  it('/readyz answers 503 QUOTA_PAUSED with the replica when the API refuses creates for quota', async () => {
    const t = await startWatch({ sim: { quota: true } });
    t.ws.write('over-quota.md', '# One too many\n');
    const paused = await probeUntil(t.cli, t.readyz, '/readyz QUOTA_PAUSED', (p) => p.body.reasons.some((r) => r.code === 'QUOTA_PAUSED'));
    expect(paused.status).toBe(503);
    expect(paused.body.reasons).toContainEqual({ code: 'QUOTA_PAUSED', replicaUUID: REPLICA });
    expect(paused.text).not.toContain(t.ws.dir);
    expect(paused.text).not.toContain('quota exceeded');
    expect((await probe(t.healthz)).status).toBe(200);
  });
});

describe('daemon.port', () => {
  it('watch with daemon.port taken exits 2 naming the key; 0 serves nothing and says so', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    try {
      sim = await startSimulator({ secret: SECRET });
      workspace = createCliWorkspace({ prefix: 'cli-health-port-', replicaUUID: REPLICA, config: { daemon: { port } } });
      const env = { SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: sim.url };
      const taken = await runBuiltCli(['watch', '--config', workspace.configPath], { env });
      expect(taken.code).toBe(2);
      expect(taken.stderr).toContain(`daemon.port: 127.0.0.1:${port} is not available (EADDRINUSE)`);
    } finally {
      blocker.close();
    }
    const config = JSON.parse(readFileSync(workspace.configPath, 'utf8')) as { daemon: Record<string, unknown> };
    writeFileSync(workspace.configPath, JSON.stringify({ ...config, daemon: { ...config.daemon, port: 0 } }));
    cli = spawnCli(['watch', '--config', workspace.configPath], { SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: sim.url });
    const c = cli;
    await c.until('the banner', () => c.stdout().includes('Press Ctrl-C to stop.'));
    expect(c.stdout()).toContain('Console, health and metrics: not served (daemon.port is 0)');
  });
});
