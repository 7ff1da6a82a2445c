/**
 * Issue 9 §6 (idle memory) through the built CLI: after a pass over 1,000 files, once the loop has
 * been parked 20 s (here: the hourly budget is spent, so it waits for the next slot), `watch` runs
 * one full collection and says so at debug level. How much memory that saves is the benchmark's
 * business (`npm run bench:idle`), not a timed assert.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';
import { spawnCli, type LiveCli } from './cli-watch-harness.js';

const REPLICA = '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const SECRET = 'e2e-compaction-secret-8d1f';
const FILES = 1_000;

let sim: Simulator | undefined;
let workspace: CliWorkspace | undefined;
let cli: LiveCli | undefined;
afterEach(async () => {
  await cli?.stop('SIGKILL');
  cli = undefined;
  await sim?.close();
  sim = undefined;
  workspace?.remove();
  workspace = undefined;
});

describe('watch gives a large pass\'s memory back once idle', () => {
  it('runs one full collection 20 s into the park after a pass over 1,000 files', { timeout: 180_000 }, async () => {
    sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 40 } });
    workspace = createCliWorkspace({ prefix: 'cli-compaction-', replicaUUID: REPLICA, config: { limits: { uploadsPerHour: 1 } } });
    for (let i = 0; i < FILES; i++) workspace.write(`d${Math.floor(i / 100)}/f${i}.md`, `# Note ${i}\n`);
    const live = spawnCli(['watch', '--config', workspace.configPath], {
      SENSAY_ORGANIZATION_SECRET: SECRET,
      SENSAY_API_URL: sim.url,
      SENSAY_INGEST_LOG_LEVEL: 'debug',
    });
    cli = live;
    await live.until('the catch-up pass', () => live.stderr().includes('"msg":"sync pass finished"'), 150_000);
    expect(live.stderr()).toContain(`"scanned":${FILES}`);
    expect(live.stderr()).not.toContain('heap compacted after a large pass');
    await live.until('the collection', () => live.stderr().includes('heap compacted after a large pass'), 60_000);
    const line = live.stderr().split('\n').find((l) => l.includes('heap compacted after a large pass')) ?? '';
    expect(JSON.parse(line)).toMatchObject({ level: 20, component: 'daemon', heapUsedMb: expect.any(Number), freedHeapMb: expect.any(Number) });
    expect((await live.stop('SIGTERM')).code).toBe(0);
  });
});
