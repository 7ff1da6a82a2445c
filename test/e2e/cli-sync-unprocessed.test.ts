/**
 * Issue 9 §6 from outside: when no extraction worker can start, `sync` lists the files it could
 * not read (human and --json) with the reason, and exits 5 (the run did not complete); the next
 * run, on a working installation, reads and uploads them. The broken installation is a real one:
 * a copy of the built package whose worker script fails to load, or hangs before it is ready
 * (then `extraction.startTimeoutSeconds` kills it).
 */
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';
import { PROJECT_ROOT, runBuiltCli, type CliRun } from '../support/run-cli.js';

const REPLICA = '3c9a1e2f-7b4d-4c6e-8f0a-1b2c3d4e5f60';
const SECRET = 'e2e-unprocessed-secret-5c2e';

let sim: Simulator | undefined;
let workspace: CliWorkspace | undefined;
let install: string | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  workspace?.remove();
  workspace = undefined;
  if (install) rmSync(install, { recursive: true, force: true });
  install = undefined;
});

/** A copy of the built package (its own dist, the project's node_modules) with `worker.js` replaced. */
function brokenInstall(workerSource: string): string {
  install = mkdtempSync(join(tmpdir(), 'cli-broken-install-'));
  cpSync(join(PROJECT_ROOT, 'dist'), join(install, 'dist'), { recursive: true });
  cpSync(join(PROJECT_ROOT, 'package.json'), join(install, 'package.json'));
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(install, 'node_modules'));
  writeFileSync(join(install, 'dist', 'extractors', 'worker.js'), workerSource);
  return join(install, 'dist', 'cli.js');
}

async function setUp(extraction: Record<string, unknown> = {}) {
  sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 40 } });
  const ws = createCliWorkspace({ prefix: 'cli-unprocessed-', replicaUUID: REPLICA, config: { extraction } });
  workspace = ws;
  for (const name of ['a.md', 'b.md', 'notes/c.txt']) ws.write(name, `# ${name}\n\ncontent of ${name}\n`);
  const url = sim.url;
  const sync = (cli: string | undefined, ...args: string[]): Promise<CliRun> =>
    runBuiltCli(['sync', '--config', ws.configPath, ...args], {
      env: { SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: url },
      timeoutMs: 90_000,
      ...(cli && { cli }),
    });
  return { sim, ws, sync };
}

type Report = { thisRun: { uploaded: number }; unprocessed: { path: string; source: string; reason: string; detail: string }[] };

function parse(run: CliRun): Report {
  expect(() => JSON.parse(run.stdout), `stdout: ${run.stdout}\nstderr: ${run.stderr.slice(-2000)}`).not.toThrow();
  return JSON.parse(run.stdout) as Report;
}

describe('sync when no extraction worker can start', { timeout: 180_000 }, () => {
  it('a worker that fails to load: every file listed as not processed with its stderr, exit 5; the next run on a working install uploads them', async () => {
    const cli = brokenInstall("process.stderr.write(\"Error: Cannot find module 'pdf-parse'\\n\");\nprocess.exit(1);\n");
    const t = await setUp();

    const json = await t.sync(cli, '--json');
    expect(json.code, json.stderr.slice(-2000)).toBe(5);
    const report = parse(json);
    expect(report.thisRun.uploaded).toBe(0);
    expect(report.unprocessed.map((f) => f.path).sort()).toEqual(['a.md', 'b.md', 'notes/c.txt']);
    for (const file of report.unprocessed) {
      expect(file).toMatchObject({ source: 'docs', reason: 'WORKER_UNAVAILABLE' });
      expect(file.detail).toMatch(/no extraction worker could start \(exit 1: Error: Cannot find module 'pdf-parse'\); check the installation/);
    }
    expect(t.sim.stats().creates).toBe(0);

    const human = await t.sync(cli);
    expect(human.code).toBe(5);
    expect(human.stdout).toContain('incomplete 3 files not processed: no extraction worker could start; the next run examines them again');
    expect(human.stdout).toMatch(/^not processed {2}a\.md \(source docs\): WORKER_UNAVAILABLE — no extraction worker could start/m);

    const fixed = await t.sync(undefined, '--json', '--wait');
    expect(fixed.code, fixed.stderr.slice(-2000)).toBe(0);
    expect(parse(fixed)).toMatchObject({ thisRun: { uploaded: 3 }, unprocessed: [] });
  });

  it('a worker that hangs before it is ready is killed after extraction.startTimeoutSeconds: the files are not processed, exit 5', async () => {
    const cli = brokenInstall("process.stderr.write('loading the parsers from a stalled disk\\n');\nsetInterval(() => undefined, 60_000);\n");
    const t = await setUp({ startTimeoutSeconds: 1 });

    const run = await t.sync(cli, '--json');
    expect(run.code, run.stderr.slice(-2000)).toBe(5);
    const report = parse(run);
    expect(report.unprocessed).toHaveLength(3);
    expect(report.unprocessed[0]?.detail).toMatch(/no ready signal within 1 s \(killed\): loading the parsers from a stalled disk/);
    expect(run.stderr).toContain('extraction worker failed to start; next start after a backoff');
  });
});
