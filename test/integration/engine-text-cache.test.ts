import { existsSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/create-engine.js';
import type { Extractor } from '../../src/extractors/extraction.js';
import { createExtractorPool, type ExtractorPool } from '../../src/extractors/pool.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { DAY_MS } from '../../src/store/maintenance.js';
import { FakeClock } from '../support/fake-clock.js';
import { FIXTURES, makeEngineFolder, silentLog, simulatorClient, type EngineFolder } from './engine-harness.js';

let pool: ExtractorPool;
let folder: EngineFolder;
let clock: FakeClock;
let sim: Simulator;
let store: SqliteStore;
let engine: Engine;
let extracted: string[];

beforeAll(async () => {
  pool = createExtractorPool({ workers: 2, log: silentLog, taskTimeoutMs: 20_000 });
  // Start the workers here, under the hook's own time limit, not the first test's.
  await pool.extract(join(FIXTURES, 'page.html'));
}, 120_000);
afterAll(async () => {
  await pool.close();
});
beforeEach(async () => {
  folder = await makeEngineFolder('engine-texts-');
  clock = new FakeClock();
  sim = await startSimulator({ clock, timeline: { stepMs: 1000 } });
  store = await openSqliteStore({ path: folder.statePath });
  const config = folder.config({ baseUrl: sim.url, source: { mode: 'text' }, uploadsPerHour: 100 });
  const api = simulatorClient(sim, clock, config);
  extracted = [];
  // The real pool, counted: every read of a file by the engine goes through here.
  const extractor: Extractor = {
    extract: (path, options) => {
      extracted.push(path);
      return pool.extract(path, options);
    },
    validate: (path, options) => pool.validate(path, options),
  };
  engine = createEngine({ clock, store, api, extractor, log: silentLog, config, owner: 'test-host:1:aaaaaa' });
});
afterEach(async () => {
  await engine.close();
  await sim.close();
  await folder.remove();
});

const textsDir = () => join(dirname(folder.statePath), 'texts');
const cached = async () => (existsSync(textsDir()) ? (await readdir(textsDir())).sort() : []);
const hashOf = async (relPath: string) => (await store.getDocumentByPath('docs', relPath))?.textHash ?? null;

async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await engine.runJobs();
    await clock.advance(10_000);
    await engine.pollOnce();
    const { documents } = await engine.summary();
    if (documents.queued + documents.uploading + documents.processing + documents.errored + documents.deleting === 0) return;
  }
  throw new Error('not settled');
}

describe('engine, text mode: the text cache', () => {
  it('writes each extracted text gzipped, uploads it from there without extracting again, and removes it at READY', async () => {
    await folder.write('a.md', '# Alpha\n\nThe first document.\n');
    await folder.write('b.txt', 'Bravo: the second document.\n');
    await engine.syncPass();
    expect(extracted.map((path) => path.slice(folder.docs.length + 1)).sort()).toEqual(['a.md', 'b.txt']);

    const hashA = await hashOf('a.md');
    const hashB = await hashOf('b.txt');
    expect(await cached()).toEqual([`${hashA}.gz`, `${hashB}.gz`].sort());
    const text = gunzipSync(await readFile(join(textsDir(), `${hashA}.gz`))).toString('utf8');
    expect(text).toContain('The first document.');

    await engine.runJobs();
    // The creates carried the cached texts; no file was read by the extractor a second time.
    expect(extracted).toHaveLength(2);
    const entry = sim.entries().find((e) => e.title === 'a.md');
    expect(entry?.text).toBe(text);
    expect(await cached()).toHaveLength(2);

    await settle();
    expect(await store.countDocumentsByState()).toMatchObject({ ready: 2 });
    expect(await cached()).toEqual([]);
    expect(extracted).toHaveLength(2);
  });

  it('extracts again only on a miss (the cache was lost), and the upload still carries the exact text', async () => {
    await folder.write('c.md', '# Charlie\n\nThird.\n');
    await engine.syncPass();
    await rm(textsDir(), { recursive: true, force: true });
    await engine.runJobs();
    expect(extracted).toHaveLength(2);
    expect(sim.entries().find((e) => e.title === 'c.md')?.text).toContain('Third.');
  });

  it('sweeps texts no document needs any more (a file deleted before its upload)', async () => {
    await folder.write('keep.md', '# Keep\n\nStays.\n');
    await folder.write('gone.md', '# Gone\n\nDeleted before upload.\n');
    await engine.syncPass();
    const goneHash = await hashOf('gone.md');
    expect(await cached()).toContain(`${goneHash}.gz`);
    await rm(join(folder.docs, 'gone.md'));
    await clock.advance(60_000);
    await engine.syncPass();
    expect(await cached()).toEqual([`${await hashOf('keep.md')}.gz`]);
  });

  it('a writing pass prunes history older than state.retentionDays (default 30)', async () => {
    await folder.write('d.md', '# Delta\n');
    await engine.syncPass();
    await settle();
    const before = (await store.listEvents()).length;
    await clock.advance(31 * DAY_MS);
    await engine.syncPass();
    const after = await store.listEvents();
    expect(after.length).toBeLessThan(before);
    expect(after.every((event) => event.at >= clock.now() - 30 * DAY_MS)).toBe(true);
    expect(await store.listJobs({ states: ['done'] })).toEqual([]);
  });
});
