import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type FaultOptions, type Simulator } from '../../src/sim/index.js';
import { freePort, spawnCli, type LiveCli, releaseAll } from './cli-watch-harness.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';

const REPLICA = '3c1d7e2a-9b4f-4c6d-8e0f-1a2b3c4d5e6f';
const SECRET = 'e2e-watch-secret-7c2e';
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'extract');

let sim: Simulator | undefined;
let workspace: CliWorkspace | undefined;
let cli: LiveCli | undefined;
afterEach(async () => {
  await releaseAll({ cli, sim, workspace });
  cli = sim = workspace = undefined;
});

async function setUp(options: { secret?: string; faults?: FaultOptions; before?: (docs: string) => void } = {}) {
  sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 50 }, ...(options.faults && { faults: options.faults }) });
  const port = await freePort();
  workspace = createCliWorkspace({
    prefix: 'cli-watch-',
    replicaUUID: REPLICA,
    config: { daemon: { port, awaitWriteFinishMs: 300 } },
    // Two documents: deleting one is 50 %, past the default mass-delete valve (20 %).
    source: { maxDeletePercent: 100 },
  });
  const { docs, configPath } = workspace;
  options.before?.(docs);
  const s = sim;
  cli = spawnCli(['watch', '--config', configPath], { SENSAY_ORGANIZATION_SECRET: options.secret ?? SECRET, SENSAY_API_URL: s.url });
  return { sim: s, docs, cli, health: `http://127.0.0.1:${port}` };
}

const live = (s: Simulator) => s.entries().filter((e) => !e.deleted);
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `chunks` pieces with pauses shorter than awaitWriteFinish, as a slow copy would. */
async function writeSlowly(path: string, chunks: string[], pauseMs: number): Promise<void> {
  const file = await open(path, 'w');
  try {
    for (const chunk of chunks) {
      await file.write(chunk);
      await file.sync();
      await sleep(pauseMs);
    }
  } finally {
    await file.close();
  }
}

describe('sensay-ingest watch', () => {
  it('uploads a slowly written file once with its full bytes, rejects a bad file and carries on, serves health and metrics, deletes, and stops on SIGTERM', async () => {
    const t = await setUp();
    await t.cli.until('the catch-up pass', () => t.cli.stderr().includes('"msg":"sync pass finished"'));
    expect(t.cli.stdout()).toContain(`Health: ${t.health}/healthz`);

    // 1. A file arriving in five chunks over ~1 s becomes exactly one entry with the final bytes.
    const slow = join(t.docs, 'handbook.txt');
    const chunks = Array.from({ length: 5 }, (_, i) => `Chapter ${i + 1}\n${'All work and no play. '.repeat(200)}\n`);
    await writeSlowly(slow, chunks, 200);
    await t.cli.until('handbook.txt READY', () => live(t.sim).some((e) => e.filename === 'handbook.txt' && e.status === 'READY'));
    const [entry] = live(t.sim);
    expect(entry?.upload).toMatchObject({ size: readFileSync(slow).length, sha256: sha256(slow) });
    expect(t.sim.stats().creates).toBe(1);

    // 2. A bad file is rejected with its reason; the daemon keeps going and takes the next good one.
    copyFileSync(join(FIXTURES, 'encrypted.pdf'), join(t.docs, 'locked.pdf'));
    await t.cli.until('the rejection', () => t.cli.stderr().includes('ENCRYPTED'));
    writeFileSync(join(t.docs, 'after.md'), '# After\n\nStill here.\n');
    await t.cli.until('after.md READY', () => live(t.sim).some((e) => e.filename === 'after.md' && e.status === 'READY'));
    expect(t.sim.stats().creates).toBe(2);

    // 3. Health and metrics.
    await t.cli.until('healthz to show both documents ready', async () => {
      const body = (await (await fetch(`${t.health}/healthz`)).json()) as { totals: { ready: number } };
      return body.totals.ready === 2;
    });
    const health = await fetch(`${t.health}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', totals: { ready: 2, rejected: 1, failed: 0 }, budget: { limit: 10, remaining: 8 } });
    const metrics = await (await fetch(`${t.health}/metrics`)).text();
    expect(metrics).toContain('sensay_ingest_documents{state="ready"} 2');
    expect(metrics).toContain('sensay_ingest_documents{state="rejected"} 1');
    expect(metrics).toContain('sensay_ingest_uploads_total 2');

    // 4. Deleting the file deletes its entry.
    unlinkSync(slow);
    await t.cli.until('the entry to be deleted', () => !live(t.sim).some((e) => e.filename === 'handbook.txt'));
    expect(live(t.sim).map((e) => e.filename)).toEqual(['after.md']);

    // 5. SIGTERM: a clean exit well within 10 s.
    const exit = await t.cli.stop('SIGTERM');
    expect(exit.code, t.cli.stderr().slice(-3000)).toBe(0);
    expect(exit.ms).toBeLessThan(10_000);
    expect(t.cli.stderr()).toContain('"msg":"daemon stopping"');
  });

  it('rides out an API outage at start-up: backs off, keeps running, and uploads once the API answers again', async () => {
    const t = await setUp({
      faults: { status5xx: { every: 1, status: 503 } },
      before: (docs) => writeFileSync(join(docs, 'waiting.txt'), 'Dropped while the API was down.\n'),
    });
    await t.cli.until('two back-offs', () => t.cli.stderr().split('backing off').length > 2, 20_000);
    expect(t.sim.stats().creates).toBe(0);
    t.sim.resetFaults();
    await t.cli.until('waiting.txt READY', () => live(t.sim).some((e) => e.filename === 'waiting.txt' && e.status === 'READY'), 20_000);
    expect(t.sim.stats().creates).toBe(1);
    const metrics = await (await fetch(`${t.health}/metrics`)).text();
    expect(metrics).toMatch(/sensay_ingest_api_errors_total\{status="503",code="SERVER_ERROR"\} [1-9]/);
    const exit = await t.cli.stop('SIGTERM');
    expect(exit.code).toBe(0);
  });

  it('exits 3 when the API refuses the secret, without printing it', async () => {
    const wrong = 'wrong-secret-3f9a1c';
    const t = await setUp({ secret: wrong });
    const exit = await t.cli.exited;
    expect(exit.code, t.cli.stderr().slice(-3000)).toBe(3);
    expect(t.cli.stderr()).toMatch(/401|UNAUTHORIZED/);
    expect(t.cli.stdout() + t.cli.stderr()).not.toContain(wrong);
  });
});
