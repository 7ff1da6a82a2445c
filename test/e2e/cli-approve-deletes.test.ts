/**
 * Issue 9 §5 from outside: held deletes are listed by `sync --json` and `status`, and
 * `approve-deletes` releases exactly them (the next `sync` deletes exactly those entries, as the
 * simulator's request log shows); a vanished root is held and no approval releases it; a drop
 * folder (`allowEmpty`) drains, unless its root is now on another device.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { runBuiltCli, type CliRun } from '../support/run-cli.js';
import { spawnCli, type LiveCli } from './cli-watch-harness.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';

const REPLICA = '7c3e1a5d-4f6b-4c8d-8e2f-3a4b5c6d7e8f';
const SECRET = 'e2e-approve-secret-3c8d';

let sim: Simulator | undefined;
let workspace: CliWorkspace | undefined;
const extraDirs: string[] = [];
let daemon: LiveCli | undefined;
afterEach(async () => {
  await daemon?.stop('SIGKILL');
  daemon = undefined;
  await sim?.close();
  sim = undefined;
  workspace?.remove();
  workspace = undefined;
  for (const dir of extraDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function setUp(source: Record<string, unknown> = {}, config: Record<string, Record<string, unknown>> = {}) {
  sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 20 } });
  const ws = createCliWorkspace({ prefix: 'cli-approve-', replicaUUID: REPLICA, source, config });
  workspace = ws;
  const env = { SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: sim.url };
  const cli = (...args: string[]): Promise<CliRun> => runBuiltCli([...args, '--config', ws.configPath], { env, timeoutMs: 60_000 });
  return { sim, ws, cli, env };
}

function json<T>(run: CliRun): T {
  expect(() => JSON.parse(run.stdout), `stdout: ${run.stdout}\nstderr: ${run.stderr.slice(-2000)}`).not.toThrow();
  return JSON.parse(run.stdout) as T;
}

type Held = { source: string; reason: string; paths: string[]; approvable: boolean; documentIds: number[] };
type SyncJson = { thisRun: { uploaded: number; deleted: number }; held: Held[] };
type StatusJson = { heldDeletes: { source: string; reason: string; paths: string[]; approvable: boolean; approved: boolean }[] };

const deletes = (s: Simulator) => s.requests().filter((r) => r.method === 'DELETE').map((r) => r.path);
const entryIdsOf = (s: Simulator, titles: string[]) =>
  s.entries().filter((e) => titles.includes(e.title ?? '')).map((e) => e.id).sort((a, b) => a - b);

describe('approve-deletes', () => {
  it('releases exactly the deletes held now; the next sync deletes exactly those entries, and judges new ones again', async () => {
    const { sim, ws, cli } = await setUp();
    const names = ['a.md', 'b.md', 'c.md', 'd.md', 'e.md'];
    for (const name of names) ws.write(name, `# ${name}\n\nText of ${name}.\n`);
    expect((await cli('sync', '--wait', '--max-wait', '30', '--json')).code).toBe(0);

    rmSync(join(ws.docs, 'a.md'));
    rmSync(join(ws.docs, 'b.md'));
    const held = json<SyncJson>(await cli('sync', '--json'));
    expect(held.held).toEqual([expect.objectContaining({ source: 'docs', reason: 'MASS_DELETE', paths: ['a.md', 'b.md'], approvable: true })]);
    expect(deletes(sim)).toEqual([]);

    const status = json<StatusJson>(await cli('status', '--json'));
    expect(status.heldDeletes).toEqual([expect.objectContaining({ source: 'docs', reason: 'MASS_DELETE', paths: ['a.md', 'b.md'], approved: false })]);
    const human = await cli('status');
    expect(human.stdout).toMatch(/held +source docs: 2 deletes held \(MASS_DELETE; release with `sensay-ingest approve-deletes docs`\)/);

    const approved = await cli('approve-deletes', 'docs', '--json');
    expect(approved.code, approved.stderr).toBe(0);
    expect(json(approved)).toEqual({ approved: [{ source: 'docs', reason: 'MASS_DELETE', documents: 2, paths: ['a.md', 'b.md'] }], refused: [], nothingHeld: [] });
    expect(json<StatusJson>(await cli('status', '--json')).heldDeletes[0]?.approved).toBe(true);

    // Two more disappear after the approval: 2 of the 3 left is a mass delete of its own.
    rmSync(join(ws.docs, 'c.md'));
    rmSync(join(ws.docs, 'd.md'));
    const wanted = entryIdsOf(sim, ['a.md', 'b.md']);
    const next = json<SyncJson>(await cli('sync', '--json'));
    expect(next.thisRun.deleted).toBe(2);
    // Exactly those two entries; the runner deletes them side by side, so in either order.
    expect(deletes(sim).sort()).toEqual(wanted.map((id) => `/v1/replicas/${REPLICA}/knowledge-base/${id}`).sort());
    expect(next.held).toEqual([expect.objectContaining({ reason: 'MASS_DELETE', paths: ['c.md', 'd.md'] })]);
    expect(sim.entries().filter((e) => !e.deleted).map((e) => e.title).sort()).toEqual(['c.md', 'd.md', 'e.md']);
  }, 120_000);

  it('a vanished root is held, said so, and no approval releases it', async () => {
    const { sim, ws, cli } = await setUp();
    ws.write('a.md', '# A\n');
    ws.write('b.md', '# B\n');
    expect((await cli('sync', '--wait', '--max-wait', '30', '--json')).code).toBe(0);

    renameSync(ws.docs, `${ws.docs}-unmounted`);
    const run = json<SyncJson & { scanProblems: { problem: string }[] }>(await cli('sync', '--json'));
    expect(run.held).toEqual([expect.objectContaining({ reason: 'SCAN_INCOMPLETE', approvable: false, paths: ['a.md', 'b.md'] })]);
    expect(run.scanProblems[0]?.problem).toMatch(/does not exist — is the share mounted\?/);

    const refused = await cli('approve-deletes', '--json');
    expect(refused.code).toBe(1);
    expect(json(refused)).toMatchObject({ approved: [], refused: [{ source: 'docs', reason: 'SCAN_INCOMPLETE' }] });
    expect(json<StatusJson>(await cli('status', '--json')).heldDeletes).toEqual([
      expect.objectContaining({ reason: 'SCAN_INCOMPLETE', approvable: false, approved: false }),
    ]);
    expect((await cli('sync', '--json')).code).toBe(0);
    expect(deletes(sim)).toEqual([]);
    expect(sim.entries().filter((e) => !e.deleted)).toHaveLength(2);
  }, 90_000);

  it('a running watch applies an approval at once, without waiting for its next rescan', async () => {
    const { sim, ws, cli, env } = await setUp({}, { daemon: { awaitWriteFinishMs: 300 } });
    ws.write('a.md', '# A\n');
    ws.write('b.md', '# B\n');
    const watch = spawnCli(['watch', '--config', ws.configPath], env, { killAfterMs: 110_000 });
    daemon = watch;
    const ready = () => sim.entries().filter((e) => e.status === 'READY').length === 2;
    await watch.until('both READY', ready, 40_000);

    rmSync(join(ws.docs, 'a.md'));
    rmSync(join(ws.docs, 'b.md'));
    await watch.until('the deletes held', () => watch.stderr().includes('"held":1'), 30_000);
    expect(deletes(sim)).toEqual([]);
    expect((await cli('approve-deletes', 'docs')).code).toBe(0);
    await watch.until('both entries deleted', () => deletes(sim).length === 2, 30_000);
    expect(sim.entries().filter((e) => !e.deleted)).toEqual([]);
    expect((await watch.stop('SIGTERM')).code).toBe(0);
  }, 120_000);

  it('an unknown source name is a usage error', async () => {
    const { cli } = await setUp();
    const run = await cli('approve-deletes', 'nope');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no source named "nope"');
  });
});

describe('sources[].allowEmpty (a drop folder that drains)', () => {
  it('emptying an allowEmpty folder deletes its entries', async () => {
    const { sim, ws, cli } = await setUp({ allowEmpty: true });
    ws.write('drop.md', '# Dropped\n');
    expect((await cli('sync', '--wait', '--max-wait', '30', '--json')).code).toBe(0);
    rmSync(join(ws.docs, 'drop.md'));
    const run = json<SyncJson>(await cli('sync', '--json'));
    expect(run.held).toEqual([]);
    expect(run.thisRun.deleted).toBe(1);
    expect(deletes(sim)).toHaveLength(1);
  }, 60_000);

  it('an allowEmpty folder whose root is now on another device is held whatever the setting', async () => {
    const { sim, ws, cli } = await setUp({ allowEmpty: true, path: 'root' });
    const otherDevice = mkdtempSync('/dev/shm/cli-approve-');
    extraDirs.push(otherDevice);
    symlinkSync(ws.docs, join(ws.dir, 'root'));
    ws.write('drop.md', '# Dropped\n');
    expect((await cli('sync', '--wait', '--max-wait', '30', '--json')).code).toBe(0);

    // The same path now leads to an empty folder on another file system: an unmounted share.
    unlinkSync(join(ws.dir, 'root'));
    mkdirSync(join(otherDevice, 'empty'));
    symlinkSync(join(otherDevice, 'empty'), join(ws.dir, 'root'));
    const run = json<SyncJson>(await cli('sync', '--json'));
    expect(run.held).toEqual([expect.objectContaining({ reason: 'ROOT_CHANGED', paths: ['drop.md'] })]);
    expect(deletes(sim)).toEqual([]);
  }, 60_000);
});
