import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { commandLine, descendants, environment } from '../support/proc-tree.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';
import { runBuiltCli } from '../support/run-cli.js';
import { freePort, spawnCli, type LiveCli, releaseAll } from './cli-watch-harness.js';

const REPLICA = '7d2e1f0a-3b4c-4d5e-8f6a-7b8c9d0e1f2a';
// Canaries: the organisation secret and an unrelated secret of the operator's environment.
const SECRET = 'canary-org-secret-5e9d1c';
const OTHER = 'canary-aws-key-0b7f3a';

let sim: Simulator | undefined;
let workspace: CliWorkspace | undefined;
let cli: LiveCli | undefined;
afterEach(async () => {
  await releaseAll({ cli, sim, workspace });
  cli = sim = workspace = undefined;
});

const live = (s: Simulator) => s.entries().filter((e) => !e.deleted);

describe('sensay-ingest watch: extraction workers hold no secret', () => {
  it('no child process of a running watch carries a SENSAY_ variable or the canaries', async () => {
    sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 50 } });
    workspace = createCliWorkspace({
      prefix: 'cli-secrets-',
      replicaUUID: REPLICA,
      config: { daemon: { port: await freePort() }, extraction: { workers: 2, idleSeconds: 600 } },
    });
    workspace.write('a.md', '# A\n\nFirst document.\n');
    workspace.write('b.md', '# B\n\nSecond document.\n');
    cli = spawnCli(['watch', '--config', workspace.configPath], {
      SENSAY_ORGANIZATION_SECRET: SECRET,
      SENSAY_API_URL: sim.url,
      AWS_SECRET_ACCESS_KEY: OTHER,
    });
    const c = cli;
    let workers: number[] = [];
    await c.until(
      'extraction workers',
      async () => {
        const children = await descendants(c.pid);
        const lines = await Promise.all(children.map(async (pid) => ({ pid, cmd: await commandLine(pid) })));
        workers = lines.filter((l) => l.cmd.includes('extractors/worker.js')).map((l) => l.pid);
        return workers.length > 0;
      },
      60_000,
    );
    await c.until('the uploads', () => live(sim as Simulator).length === 2, 60_000);
    // Still alive: they retire only after idleSeconds.
    const children = await descendants(c.pid);
    expect(children).toEqual(expect.arrayContaining(workers));
    for (const pid of children) {
      const env = await environment(pid);
      expect(env.filter((v) => v.startsWith('SENSAY_'))).toEqual([]);
      expect(env.join('\n')).not.toContain(SECRET);
      expect(env.join('\n')).not.toContain(OTHER);
    }
    // The parent does hold them: the check above reads the right thing.
    expect((await environment(c.pid)).join('\n')).toContain(SECRET);
  }, 120_000);
});

describe('sensay-ingest sync: symbolic links', () => {
  it('never uploads a file outside the source reached through a link, nor a file later swapped for a link', async () => {
    sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 40 } });
    const ws = createCliWorkspace({ prefix: 'cli-links-', replicaUUID: REPLICA, source: { maxDeletePercent: 100, allowEmpty: true } });
    workspace = ws;
    const outside = join(ws.dir, 'private');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.md'), '# Private\n\nNot for the replica.\n');
    symlinkSync(join(outside, 'secret.md'), join(ws.docs, 'link.md'));
    symlinkSync(outside, join(ws.docs, 'linked-folder'));
    ws.write('real.md', '# Real\n\nIn the source.\n');
    const s = sim;
    const sync = () =>
      runBuiltCli(['sync', '--wait', '--config', ws.configPath], { env: { SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: s.url }, timeoutMs: 90_000 });

    const first = await sync();
    expect(first.code, first.stderr.slice(-2000)).toBe(0);
    expect(live(s).map((e) => e.title)).toEqual(['real.md']);

    // The uploaded file is replaced by a link to the private file: its entry goes, nothing of the target is sent.
    rmSync(join(ws.docs, 'real.md'));
    symlinkSync(join(outside, 'secret.md'), join(ws.docs, 'real.md'));
    const second = await sync();
    expect(second.code, second.stderr.slice(-2000)).toBe(0);
    expect(live(s)).toEqual([]);
    expect(s.stats().creates).toBe(1);
    expect(existsSync(join(outside, 'secret.md'))).toBe(true);
  }, 180_000);
});
