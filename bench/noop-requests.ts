/**
 * npm run bench:noop
 *
 * Requests a `sync` sends to the API when nothing changed (issue 9 §3), at 10, 1,000 and 10,000
 * documents, read from the simulator's request log: after a first sync has made every document
 * ready, a second sync runs and every request it sends is counted. Also counted: the requests of a
 * sync after the state file was deleted (adoption: the count, the listing, one proof per document).
 *
 * Options: --sizes 10,1000,10000
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { systemClock } from '../src/clock/clock.js';
import { loadConfig } from '../src/config/index.js';
import { createEngine } from '../src/engine/create-engine.js';
import { runSync } from '../src/engine/sync-run.js';
import { extractFile } from '../src/extractors/extract-file.js';
import { validateFile } from '../src/extractors/validate-file.js';
import { createSensayClient } from '../src/sensay/client.js';
import { startSimulator, type RecordedRequest, type Simulator } from '../src/sim/index.js';
import { openSqliteStore } from '../src/store/index.js';

const REPLICA = '4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b';
const SECRET = 'bench-noop-secret';
const log = pino({ level: 'silent' });
const args = process.argv.slice(2);
const sizesAt = args.indexOf('--sizes');
const sizes = (sizesAt === -1 ? '10,1000,10000' : (args[sizesAt + 1] ?? '')).split(',').map(Number);

async function syncOnce(dir: string, sim: Simulator, wait: boolean): Promise<RecordedRequest[]> {
  const config = loadConfig({ path: join(dir, 'config.json'), env: { SENSAY_API_URL: sim.url } });
  if (config.state.kind === 'postgres') throw new Error('bench:noop runs on a SQLite state');
  const store = await openSqliteStore({ path: config.state.path, log });
  const api = createSensayClient({ baseUrl: sim.url, apiVersion: '2025-03-25', secret: SECRET, requestsPerMinute: 1_000_000, clock: systemClock, log });
  const engine = createEngine({ clock: systemClock, store, api, extractor: { extract: (path) => extractFile(path), validate: (path) => validateFile(path) }, log, config, owner: `bench:${process.pid}` });
  const before = sim.requests().at(-1)?.seq ?? 0;
  try {
    const result = await runSync(engine, systemClock, { wait, pollIntervalMs: 100 });
    if (wait && result.stoppedBy !== 'done') throw new Error(`first sync stopped by ${result.stoppedBy}`);
  } finally {
    await engine.close();
  }
  return sim.requests().filter((r) => r.seq > before);
}

function kinds(requests: readonly RecordedRequest[]): string {
  const counts = new Map<string, number>();
  for (const r of requests) {
    const kind = r.path.startsWith('/__download/') ? 'download' : `${r.method} ${/\/\d+$/.test(r.path) ? 'entry' : r.query.pageSize === '0' ? 'count' : 'list'}`;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ');
}

const rows: string[] = [];
for (const n of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-noop-'));
  const docs = join(dir, 'docs');
  mkdirSync(docs);
  for (let i = 0; i < n; i++) writeFileSync(join(docs, `doc-${String(i).padStart(5, '0')}.md`), `# Document ${i}\n\nSome words about document ${i}.\n`);
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      state: join(dir, 'state', 'state.db'),
      limits: { uploadsPerHour: 1_000_000, requestsPerMinute: 1_000_000 },
      daemon: { awaitWriteFinishMs: 0 },
      sources: [{ name: 'docs', path: docs, replicaUUID: REPLICA }],
    }),
  );
  const sim = await startSimulator({ secret: SECRET, uploadsPerHour: Infinity, requestsPerMinute: Infinity, timeline: { stepMs: 0 }, maxRecordedRequests: 100_000 });
  try {
    const t0 = performance.now();
    await syncOnce(dir, sim, true);
    const seeded = performance.now() - t0;
    const noop = await syncOnce(dir, sim, false);
    rmSync(join(dir, 'state'), { recursive: true, force: true });
    const adopt = await syncOnce(dir, sim, false);
    rows.push(
      `${String(n).padStart(6)} docs: no-op sync ${noop.length} request(s) [${kinds(noop)}]; ` +
        `after a lost state ${adopt.length} [${kinds(adopt)}], creates ${adopt.filter((r) => r.method === 'POST').length}; (seeding took ${(seeded / 1000).toFixed(1)} s)`,
    );
    console.log(rows.at(-1));
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
