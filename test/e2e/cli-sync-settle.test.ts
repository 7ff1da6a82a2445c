/**
 * `sync --wait` meets a file still being copied: the pass leaves it unread while it keeps
 * growing, and once it has been still for the settle window the next pass uploads it, once,
 * with its final bytes. Without the settle window the partial file would be uploaded.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { spawnCli, type LiveCli, releaseAll } from './cli-watch-harness.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';

const REPLICA = '5a1c9e3b-2d4f-4a6b-8c0d-1e2f3a4b5c6d';
const SECRET = 'e2e-settle-secret-7c2e';
const SETTLE_MS = 500;

let sim: Simulator | undefined;
let cli: LiveCli | undefined;
let workspace: CliWorkspace | undefined;
afterEach(async () => {
  await releaseAll({ cli, sim, workspace });
  cli = sim = workspace = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('sensay-ingest sync --wait with a file still being copied', () => {
  it('waits until the file has settled and uploads it exactly once with its final bytes', async () => {
    sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 40 } });
    workspace = createCliWorkspace({ prefix: 'cli-sync-settle-', replicaUUID: REPLICA, config: { daemon: { awaitWriteFinishMs: SETTLE_MS } } });
    const { docs, configPath } = workspace;
    const path = join(docs, 'handbook.txt');
    const chunk = (i: number) => `Chapter ${i}\n${'All work and no play. '.repeat(100)}\n`;
    writeFileSync(path, chunk(1));

    cli = spawnCli(['sync', '--config', configPath, '--wait', '--max-wait', '20', '--json'], {
      SENSAY_ORGANIZATION_SECRET: SECRET,
      SENSAY_API_URL: sim.url,
    });
    // Keep appending (pauses well inside the window) until a pass has met the file unfinished,
    // then a few chunks more, so later passes meet it growing too.
    let written = 1;
    const deadline = Date.now() + 15_000;
    while (!cli.stderr().includes('files still being written') && Date.now() < deadline) {
      appendFileSync(path, chunk(++written));
      await sleep(100);
    }
    expect(cli.stderr(), 'no pass met the file while it was written').toContain('files still being written');
    for (let i = 0; i < 12; i++) {
      appendFileSync(path, chunk(++written));
      await sleep(100);
    }

    const exit = await cli.exited;
    const report = JSON.parse(cli.stdout()) as { stoppedBy: string; thisRun: { uploaded: number }; settling: { files: number } };
    expect(exit.code, cli.stderr().slice(-3000)).toBe(0);
    expect(report).toMatchObject({ stoppedBy: 'done', thisRun: { uploaded: 1 }, settling: { files: 0 } });
    const entries = sim.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.upload).toMatchObject({ size: readFileSync(path).length, sha256: sha256(path) });
    expect(sim.stats().creates).toBe(1);
  });
});
