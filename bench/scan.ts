/**
 * npm run bench:scan
 *
 * 1. A no-change re-scan of 100,000 files (stat-only, `known` filled, nothing re-hashed) against
 *    `find DIR -newer STAMP` on the same tree in the same run, as a ratio, with the event loop's
 *    delay during the re-scans (perf_hooks monitorEventLoopDelay). Writes the `rescan` section
 *    of bench/results.json.
 * 2. The watcher's idle RSS and CPU while watching 10,000 files for ~20 s, measured in a child
 *    process so the scan's memory does not blur it.
 *
 * Options: --files N (default 100000), --watch-files N (default 10000), --idle-seconds S (default 20),
 * --runs N (default 5), --polling (also measure the watcher with usePolling at 1000 ms).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { SourceConfig } from '../src/config/types.js';
import type { KnownStat, scanSource as ScanSource } from '../src/watchers/scan-source.js';
import { createSourceWatcher } from '../src/watchers/source-watcher.js';
import { printRows, recordSection, row } from './support/results.js';

const log = pino({ level: 'warn' });
// The compiled scanner (after `npm run build`) runs its walk thread as plain JavaScript, as in
// production; from the TypeScript sources the thread first loads tsx, which is not what is measured.
const compiled = fileURLToPath(new URL('../dist/watchers/scan-source.js', import.meta.url));
const useDist = existsSync(compiled) && process.env.BENCH_SOURCES !== '1';
const { scanSource } = (await import(useDist ? compiled : '../src/watchers/scan-source.js')) as { scanSource: typeof ScanSource };
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(args[at + 1]);
};

function sourceAt(path: string): SourceConfig {
  return {
    name: 'bench', path, replicaUUID: '00000000-0000-4000-8000-000000000000', include: ['**/*'], exclude: [],
    mode: 'file', onDelete: 'delete', maxDeletePercent: 20, priority: 0, requireText: false, update: 'replace',
  };
}

/** top/mid/file.md, 100 files per folder, 40 folders per top folder. */
function generate(root: string, count: number): void {
  for (let i = 0; i < count; i += 1) {
    const top = Math.floor(i / 4000);
    const mid = Math.floor(i / 100) % 40;
    const dir = join(root, `t${String(top).padStart(3, '0')}`, `m${String(mid).padStart(2, '0')}`);
    if (i % 100 === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${String(i % 100).padStart(2, '0')}.md`), `# file ${i}\n`);
  }
}

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function benchScan(base: string): Promise<void> {
  const files = option('files', 100_000);
  const runs = option('runs', 5);
  const root = join(base, 'scan');
  let t = performance.now();
  generate(root, files);
  console.log(`generated ${files} files in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const stamp = join(base, 'STAMP');
  writeFileSync(stamp, '');

  const source = sourceAt(root);
  t = performance.now();
  const first = await scanSource(source, { log });
  console.log(`first scan: ${first.files.length} files, complete=${first.complete}, ${(performance.now() - t).toFixed(0)} ms`);
  const known = new Map<string, KnownStat>(first.files.map((f) => [f.relPath, { size: f.size, mtimeMs: f.mtimeMs }]));

  const ours: number[] = [];
  let changed = -1;
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const oursCpu: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    t = performance.now();
    const cpu0 = process.cpuUsage();
    const again = await scanSource(source, { log, known });
    ours.push(performance.now() - t);
    oursCpu.push(cpuMs(process.cpuUsage(cpu0)));
    changed = again.files.filter((f) => f.changed).length;
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }
  lag.disable();
  const lagMaxMs = lag.max / 1e6;
  const lagP99Ms = lag.percentile(99) / 1e6;

  const find: number[] = [];
  const findCpu: number[] = [];
  let found = '';
  for (let i = 0; i < runs; i += 1) {
    t = performance.now();
    // /usr/bin/time reports find's own CPU (user + system) on stderr; its cost is not in the wall.
    const run = spawnSync('/usr/bin/time', ['-f', '%U %S', 'find', root, '-newer', stamp], { encoding: 'utf8' });
    find.push(performance.now() - t);
    const [user, system] = (run.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    findCpu.push(((user ?? Number.NaN) + (system ?? Number.NaN)) * 1000);
    found = run.stdout;
  }

  const oursMs = median(ours);
  const findMs = median(find);
  const oursCpuMs = median(oursCpu);
  const findCpuMs = median(findCpu);
  console.log(`no-change re-scan (median of ${runs}): ${oursMs.toFixed(0)} ms, changed=${changed}; runs ${ours.map((x) => x.toFixed(0)).join(', ')}`);
  console.log(`find -newer STAMP   (median of ${runs}): ${findMs.toFixed(0)} ms, newer=${found.split('\n').filter(Boolean).length}; runs ${find.map((x) => x.toFixed(0)).join(', ')}`);
  console.log(`ratio scanSource / find: ${(oursMs / findMs).toFixed(2)}×  (${Math.round(files / (oursMs / 1000))} files/s)`);
  console.log(`CPU (user + system, all threads; median): ours ${oursCpuMs.toFixed(0)} ms, find ${findCpuMs.toFixed(0)} ms, ratio ${(oursCpuMs / findCpuMs).toFixed(2)}×; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`event-loop delay during the re-scans: max ${lagMaxMs.toFixed(1)} ms, p99 ${lagP99Ms.toFixed(1)} ms`);
  const rows = [
    row(`no-change re-scan of ${files} files (median of ${runs}), wall`, oursMs, findMs, { anchor: 'find DIR -newer STAMP', target: 'ratio ≤ 2', note: `load average ${loadavg()[0]?.toFixed(2)}` }),
    row(`no-change re-scan of ${files} files (median of ${runs}), CPU user + system`, oursCpuMs, findCpuMs, { anchor: 'find DIR -newer STAMP', target: 'ratio ≤ 2' }),
    row('event-loop delay during the re-scans, max', lagMaxMs, undefined, { target: '≤ 50 ms', note: `p99 ${lagP99Ms.toFixed(1)} ms` }),
  ];
  printRows('rescan', rows);
  recordSection('rescan', rows);
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const held = await scanSource(source, { log, known });
  const heapPeakDuring = process.memoryUsage().heapUsed;
  collectGarbage();
  const heapHeld = process.memoryUsage().heapUsed;
  console.log(`one re-scan result of ${held.files.length} files retains ${mb(heapHeld - heapBefore)} MB of heap (${Math.round((heapHeld - heapBefore) / held.files.length)} B/file); heap grew ${mb(heapPeakDuring - heapBefore)} MB during the scan`);
  const mem = process.memoryUsage();
  console.log(`scan process: RSS ${mb(rssBefore)} MB before re-scans, ${mb(rssPeak)} MB peak; heap used ${mb(mem.heapUsed)} MB after them (known map and first result still held)`);
}

async function benchWatcher(base: string, polling: boolean): Promise<void> {
  const root = join(base, polling ? 'watch-poll' : 'watch');
  generate(root, option('watch-files', 10_000));
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--idle-child', root, '--idle-seconds', String(option('idle-seconds', 20)), '--watch-files', String(option('watch-files', 10_000)), ...(polling ? ['--polling'] : [])], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`idle child exited ${code}`)))));
}

/** Runs in the child: watch, wait for ready, then sit idle and measure. */
async function idleChild(root: string): Promise<void> {
  const polling = args.includes('--polling');
  const seconds = option('idle-seconds', 20);
  const rss0 = process.memoryUsage().rss;
  let t = performance.now();
  const watcher = createSourceWatcher({ sources: [sourceAt(root)], awaitWriteFinishMs: 2000, log, usePolling: polling, pollingIntervalMs: 1000 });
  let changes = 0;
  watcher.on('change', () => (changes += 1));
  await watcher.whenReady();
  const readyMs = performance.now() - t;
  const { rss: rssReady, heapUsed: heapReady } = process.memoryUsage();
  // The first seconds after ready are chokidar's start-up settling (GC, late stats); idle is after.
  const settle0 = process.resourceUsage();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const cpu0 = process.resourceUsage();
  const settleMs = (cpu0.userCPUTime - settle0.userCPUTime + cpu0.systemCPUTime - settle0.systemCPUTime) / 1000;
  t = performance.now();
  let rssMax = rssReady;
  for (let s = 0; s < seconds; s += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    rssMax = Math.max(rssMax, process.memoryUsage().rss);
  }
  const wall = performance.now() - t;
  const cpu1 = process.resourceUsage();
  const cpuMs = (cpu1.userCPUTime - cpu0.userCPUTime + cpu1.systemCPUTime - cpu0.systemCPUTime) / 1000;
  const mode = polling ? 'polling (1000 ms)' : 'native';
  console.log(
    `watcher ${mode}, ${option('watch-files', 10_000)} files: ready in ${readyMs.toFixed(0)} ms; ` +
      `RSS ${mb(rss0)} MB at start, ${mb(rssReady)} MB when ready (heap ${mb(heapReady)} MB), ${mb(rssMax)} MB max idle; ` +
      `CPU ${settleMs.toFixed(0)} ms in the 2 s after ready, then idle CPU ${cpuMs.toFixed(0)} ms over ${(wall / 1000).toFixed(1)} s = ${((cpuMs / wall) * 100).toFixed(2)} % of one core; ` +
      `events while idle: ${changes}`,
  );
  await watcher.close();
}

async function main(): Promise<void> {
  const idleAt = args.indexOf('--idle-child');
  if (idleAt !== -1) {
    await idleChild(args[idleAt + 1] ?? '');
    return;
  }
  const base = mkdtempSync(join(tmpdir(), 'bench-scan-'));
  try {
    await benchScan(base);
    await benchWatcher(base, false);
    if (args.includes('--polling')) await benchWatcher(base, true);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

await main();
