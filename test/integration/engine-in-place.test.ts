import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/create-engine.js';
import { createExtractorPool, type ExtractorPool } from '../../src/extractors/pool.js';
import { startSimulator, type SimEntry, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { inPlaceRefusal } from '../../src/uploader/in-place-support.js';
import { FakeClock } from '../support/fake-clock.js';
import { makeEngineFolder, REPLICA, silentLog, simulatorClient, type EngineFolder } from './engine-harness.js';

/**
 * Text mode, `update: "in-place"` (issue 13): a changed document's entry gets PATCH { rawText }
 * instead of a new entry, on the real engine, the real store and the simulator.
 */
let pool: ExtractorPool;
let folder: EngineFolder | undefined;
let clock: FakeClock;
let sim: Simulator | undefined;
let store: SqliteStore;
let engine: Engine | undefined;

beforeAll(() => {
  pool = createExtractorPool({ workers: 2, log: silentLog, taskTimeoutMs: 20_000 });
});
afterAll(async () => {
  await pool.close();
});
afterEach(async () => {
  await engine?.close();
  await sim?.close();
  await folder?.remove();
  engine = sim = folder = undefined;
});

async function boot(options: { source?: Record<string, unknown>; sim?: SimulatorOptions; limits?: Record<string, unknown> } = {}): Promise<Simulator> {
  folder = await makeEngineFolder('engine-in-place-');
  clock = new FakeClock();
  sim = await startSimulator({ clock, timeline: { stepMs: 1000 }, ...options.sim });
  store = await openSqliteStore({ path: folder.statePath });
  const config = folder.config({
    baseUrl: sim.url,
    source: { mode: 'text', ...options.source },
    limits: { recreateBackoffSeconds: 1, ...options.limits },
  });
  const api = simulatorClient(sim, clock, config);
  const extractor = { extract: pool.extract.bind(pool), validate: pool.validate.bind(pool) };
  engine = createEngine({ clock, store, api, extractor, log: silentLog, config, owner: 'test-host:1:aaaaaa' });
  return sim;
}

const live = (): SimEntry[] => sim!.entries().filter((entry) => !entry.deleted);
const byTitle = (title: string) => live().find((entry) => entry.title === title);
const patchRequests = () => sim!.requests().filter((r) => r.method === 'PATCH');

async function settle(rounds = 30): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await engine!.runJobs();
    await clock.advance(10_000);
    await engine!.pollOnce();
    const { documents } = await engine!.summary();
    if (documents.queued + documents.uploading + documents.processing + documents.errored + documents.deleting === 0) return;
  }
  throw new Error(`not settled after ${rounds} rounds: ${JSON.stringify((await engine!.summary()).documents)}`);
}

async function syncThree(): Promise<void> {
  await folder!.write('a.md', '# A\n\nalpha one\n');
  await folder!.write('b.md', '# B\n\nbravo one\n');
  await folder!.write('c.md', '# C\n\ncharlie one\n');
  await engine!.syncPass();
  await settle();
  expect(live().map((e) => e.status)).toEqual(['READY', 'READY', 'READY']);
  await clock.advance(60_000);
}

async function changeTwo(version: string): Promise<void> {
  await folder!.write('a.md', `# A\n\nalpha ${version}\n`);
  await folder!.write('b.md', `# B\n\nbravo ${version}\n`);
}

// The first test also pays for starting the extractor workers on a busy machine.
describe('engine: text documents updated in place', { timeout: 90_000 }, () => {
  it('two changed documents get two PATCHes with the new text, no create, and are READY again', async () => {
    await boot();
    await syncThree();
    const ids = live().map((e) => e.id);
    await changeTwo('two');
    const report = await engine!.syncPass();
    expect(report.counts).toMatchObject({ update: 2, replace: 0, create: 0 });

    const run = await engine!.runJobs();
    expect(run).toMatchObject({ updated: 2, uploaded: 0 });
    // Re-processed from the start: not READY for a while.
    expect(byTitle('a.md')?.status).not.toBe('READY');
    await settle();

    expect(sim!.stats()).toMatchObject({ creates: 3, rawTextPatches: 2, deletes: 0 });
    expect(live().map((e) => e.id)).toEqual(ids);
    expect(live().every((e) => e.status === 'READY')).toBe(true);
    expect(byTitle('a.md')?.text).toContain('alpha two');
    expect(byTitle('b.md')?.text).toContain('bravo two');
    expect(byTitle('c.md')?.text).toContain('charlie one');
    expect(await store.countDocumentsByState()).toMatchObject({ ready: 3 });
    // No slot was spent on the updates.
    expect((await engine!.summary()).budget.used).toBe(3);
  });

  it('update: "replace" keeps the old way: two creates and two deletes', async () => {
    await boot({ source: { update: 'replace' } });
    await syncThree();
    await changeTwo('two');
    const report = await engine!.syncPass();
    expect(report.counts).toMatchObject({ update: 0, replace: 2 });
    await settle();
    expect(sim!.stats()).toMatchObject({ creates: 5, deletes: 2, rawTextPatches: 0 });
    expect(patchRequests()).toHaveLength(0);
    expect(byTitle('a.md')?.text).toContain('alpha two');
  });

  it('a PATCH answered 400 falls back to a replace, and the next change goes straight to replace', async () => {
    await boot({ sim: { failures: [{ match: 'a.md', refusePatch: 400 }] } });
    await syncThree();
    await folder!.write('a.md', '# A\n\nalpha two\n');
    await engine!.syncPass();
    await settle();

    expect(patchRequests()).toHaveLength(1);
    expect(sim!.stats()).toMatchObject({ creates: 4, deletes: 1 });
    expect(byTitle('a.md')).toMatchObject({ status: 'READY', text: expect.stringContaining('alpha two') });
    expect(await inPlaceRefusal(store, REPLICA)).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect((await store.listEvents({ types: ['replica.in-place-unsupported'] }))).toHaveLength(1);

    await clock.advance(60_000);
    await folder!.write('b.md', '# B\n\nbravo two\n');
    const next = await engine!.syncPass();
    expect(next.counts).toMatchObject({ update: 0, replace: 1 });
    await settle();
    expect(patchRequests()).toHaveLength(1);
    expect(sim!.stats()).toMatchObject({ creates: 5, deletes: 2 });
    expect(byTitle('b.md')).toMatchObject({ status: 'READY', text: expect.stringContaining('bravo two') });
  });

  it('an in-place update that errors twice, then READY: deleted and recreated per the usual policy', async () => {
    await boot({ sim: { failures: [{ match: 'b.md', on: 'any', skip: 1, errorTimes: 2 }] }, limits: { maxAttempts: 3 } });
    await syncThree();
    await changeTwo('two');
    await engine!.syncPass();
    await settle();

    expect(patchRequests()).toHaveLength(2);
    // b.md: its patched entry errored and was deleted; the first recreate errored too; the second is READY.
    expect(sim!.stats()).toMatchObject({ creates: 5, deletes: 2 });
    expect(byTitle('b.md')).toMatchObject({ status: 'READY', text: expect.stringContaining('bravo two') });
    const b = await store.getDocumentByPath('docs', 'b.md');
    expect(b).toMatchObject({ state: 'ready', attempts: 3 });
    expect(byTitle('a.md')).toMatchObject({ status: 'READY', text: expect.stringContaining('alpha two') });
  });

  it('an in-place update that keeps erroring fails after maxAttempts, like any upload', async () => {
    await boot({ sim: { failures: [{ match: 'b.md', on: 'any', skip: 1 }] }, limits: { maxAttempts: 2 } });
    await syncThree();
    await folder!.write('b.md', '# B\n\nbravo two\n');
    await engine!.syncPass();
    await settle();
    expect(await store.getDocumentByPath('docs', 'b.md')).toMatchObject({ state: 'failed', attempts: 2 });
    expect(sim!.stats().creates).toBe(4);
  });

  it('a dry run lists in-place updates apart from replaces, and its ETA counts only uploads', async () => {
    await boot();
    await syncThree();
    await changeTwo('two');
    await folder!.write('d.md', '# D\n\ndelta\n');
    const dry = await engine!.syncPass({ dryRun: true });
    const actions = dry.plan.jobs.filter((job) => job.action !== 'none').map((job) => [job.action, job.relPath]);
    expect(actions).toEqual([
      ['update', 'a.md'],
      ['update', 'b.md'],
      ['create', 'd.md'],
    ]);
    expect(dry.eta?.uploads).toBe(1);
    expect(patchRequests()).toHaveLength(0);
  });
});
