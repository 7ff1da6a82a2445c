/**
 * npm run bench:pass
 *
 * What the daemon does on a periodic rescan of an unchanged tree, whole: the sync pass (list the
 * store's documents, scan, compare, plan, apply) over N documents already recorded in a SQLite
 * state file, against `find DIR -newer STAMP` on the same tree in the same run, with the longest
 * stretch the event loop could not turn during the pass (a 5 ms interval timer: every gap over
 * its period is a stall, the pass's tail included) and the event-loop delay's p99.
 * The first pass (recording N documents, every file validated through the pool) is set-up and is
 * only reported. Writes the `rescanPass` section of bench/results.json.
 *
 * Options: --files N (default 100000), --runs N (default 3).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import pino from 'pino';
import { systemClock } from '../src/clock/clock.js';
import { parseConfig } from '../src/config/index.js';
import { runSyncPass } from '../src/engine/sync-pass.js';
import { createExtractorPool } from '../src/extractors/pool.js';
import { openSqliteStore } from '../src/store/index.js';
import { printRows, recordSection, row } from './support/results.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;

/** top/mid/file.md, 100 files per folder, 40 folders per top folder (as bench:scan). */
function generate(root: string, count: number): void {
  for (let i = 0; i < count; i += 1) {
    const dir = path.join(root, `t${String(Math.floor(i / 4000)).padStart(3, '0')}`, `m${String(Math.floor(i / 100) % 40).padStart(2, '0')}`);
    if (i % 100 === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `f${String(i % 100).padStart(2, '0')}.md`), `# file ${i}\n`);
  }
}

/** The longest gap between turns of the event loop while `work` runs, and the delay's p99. */
async function stallsDuring<T>(work: () => Promise<T>): Promise<{ value: T; maxStallMs: number; p99Ms: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  let last = performance.now();
  let maxStallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxStallMs = Math.max(maxStallMs, now - last);
    last = now;
  }, 5);
  histogram.enable();
  const value = await work();
  // The pass's last synchronous stretch is only seen by the timer's next turn.
  await new Promise((resolve) => setTimeout(resolve, 50));
  histogram.disable();
  clearInterval(timer);
  return { value, maxStallMs, p99Ms: histogram.percentile(99) / 1e6 };
}

async function main(): Promise<void> {
  const files = option('files', 100_000);
  const runs = option('runs', 3);
  const base = mkdtempSync(path.join(tmpdir(), 'bench-pass-'));
  const log = pino({ level: 'silent' });
  const workers = availableParallelism();
  try {
    const docs = path.join(base, 'docs');
    generate(docs, files);
    const stamp = path.join(base, 'STAMP');
    writeFileSync(stamp, '');
    const config = parseConfig(
      { api: { baseUrl: 'http://127.0.0.1:9' }, state: path.join(base, 'state.db'), extraction: { workers }, sources: [{ name: 'docs', path: docs, replicaUUID: '7f3c2a10-0000-4000-8000-0000000000aa' }] },
      { configPath: path.join(base, 'sensay-ingest.config.json'), env: {} },
    );
    const store = await openSqliteStore({ path: path.join(base, 'state.db'), log });
    const pool = createExtractorPool({ workers, log, taskTimeoutMs: 120_000 });
    const deps = { clock: systemClock, store, extractor: pool, log, config };
    try {
      let t = performance.now();
      const first = await runSyncPass(deps);
      console.log(`first pass (set-up): ${first.counts.create} documents recorded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      const walls: number[] = [];
      const stalls: number[] = [];
      const p99s: number[] = [];
      for (let i = 0; i < runs; i += 1) {
        t = performance.now();
        const pass = await stallsDuring(() => runSyncPass(deps, { settle: 'defer' }));
        walls.push(performance.now() - t - 50);
        stalls.push(pass.maxStallMs);
        p99s.push(pass.p99Ms);
        console.log(`no-change pass ${i + 1}: ${walls.at(-1)?.toFixed(0)} ms, unchanged ${pass.value.counts.unchanged}, longest stall ${pass.maxStallMs.toFixed(0)} ms, delay p99 ${pass.p99Ms.toFixed(1)} ms`);
      }
      const find: number[] = [];
      for (let i = 0; i < runs; i += 1) {
        t = performance.now();
        spawnSync('find', [docs, '-newer', stamp], { encoding: 'utf8' });
        find.push(performance.now() - t);
      }
      const load = loadavg()[0]?.toFixed(2);
      const rows = [
        row(`no-change sync pass over ${files} documents (median of ${runs}), wall`, median(walls), median(find), { anchor: 'find DIR -newer STAMP', note: `load average ${load}; the pass lists, scans, compares, plans and applies` }),
        row('longest event-loop stall during the pass (worst run)', Math.max(...stalls), undefined, { note: `delay p99 ${Math.max(...p99s).toFixed(1)} ms (worst run)` }),
      ];
      printRows('rescanPass', rows);
      recordSection('rescanPass', rows);
    } finally {
      await pool.close();
      await store.close();
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

await main();
