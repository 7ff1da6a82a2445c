/**
 * npm run bench:idle
 *
 * The idle daemon: `watch` (the built CLI, a separate process) over N files (default 10,000), all
 * synced to the simulator first by `sync --wait`. Once the daemon's catch-up pass has finished and
 * it has sat still for --settle-seconds, it is sampled for --window-seconds: RSS of its whole
 * process tree (the CLI and every child, extraction workers included) and CPU time of the tree.
 * Target: ≤ 150 MB RSS, CPU ≈ 0.
 *
 * At the end of the window the daemon's own /metrics give the split of its RSS: V8 heap (used and
 * committed) and memory outside it. The rows go to the `idle` section of bench/results.json (a
 * run at another --files replaces only its own rows).
 *
 * Options: --files N (default 10000), --settle-seconds S (default 40, past extraction.idleSeconds),
 * --window-seconds S (default 30), --idle-seconds S (extraction.idleSeconds, default 30).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { startSimulator } from '../src/sim/index.js';
import { cpuTicks, descendants } from '../test/support/proc-tree.js';
import { readResults, recordSection, row, type BenchRow } from './support/results.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const FILES = option('files', 10_000);
const SETTLE_S = option('settle-seconds', 40);
const WINDOW_S = option('window-seconds', 30);
const IDLE_S = option('idle-seconds', 30);
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const REPLICA = '6b1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
const SECRET = 'bench-idle-secret';
const CLK_TCK = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function run(argv: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-100_000)));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

/** 100 files per folder. */
function generate(root: string, count: number): void {
  for (let i = 0; i < count; i++) {
    const dir = join(root, `d${String(Math.floor(i / 100)).padStart(3, '0')}`);
    if (i % 100 === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}.md`), `# Document ${i}\n\nSome text about item ${i}.\n`);
  }
}

function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The daemon's RSS split from its own Prometheus metrics (prom-client's process and V8 gauges). */
async function memorySplit(port: number): Promise<{ rss: number; heapUsed: number; heapTotal: number; external: number } | null> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const gauge = (name: string) => Number(new RegExp(`^sensay_ingest_${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 1024 / 1024;
    return { rss: gauge('process_resident_memory_bytes'), heapUsed: gauge('nodejs_heap_size_used_bytes'), heapTotal: gauge('nodejs_heap_size_total_bytes'), external: gauge('nodejs_external_memory_bytes') };
  } catch {
    return null;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bench-idle-'));
const port = await freePort();
const docs = join(dir, 'docs');
generate(docs, FILES);
const sim = await startSimulator({ secret: SECRET, timeline: { stepMs: 10 }, uploadsPerHour: FILES * 2, requestsPerMinute: Infinity });
const config = join(dir, 'config.json');
writeFileSync(
  config,
  JSON.stringify({
    state: 'state/state.db',
    limits: { uploadsPerHour: FILES * 2, requestsPerMinute: 1_000_000 },
    status: { pollIntervalSeconds: 1 },
    extraction: { idleSeconds: IDLE_S },
    daemon: { awaitWriteFinishMs: 0, port },
    sources: [{ name: 'docs', path: 'docs', replicaUUID: REPLICA }],
  }),
);
const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', SENSAY_ORGANIZATION_SECRET: SECRET, SENSAY_API_URL: sim.url };

try {
  const started = Date.now();
  // Not spawnSync: the simulator answers from this process's event loop.
  const sync = await run([CLI, 'sync', '--wait', '--json', '--config', config]);
  const ready = sim.entries().filter((e) => !e.deleted && e.status === 'READY').length;
  console.log(`first sync: exit ${sync.status}, ${ready} of ${FILES} entries READY in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (ready !== FILES) throw new Error(`not everything synced:\n${sync.stderr.slice(-3000)}`);

  const daemon = spawn(process.execPath, [CLI, 'watch', '--config', config], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  daemon.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-200_000)));
  const pid = daemon.pid as number;
  for (let waited = 0; !stderr.includes('"msg":"sync pass finished"'); waited += 100) {
    if (waited > 600_000) throw new Error(`no catch-up pass after 10 min:\n${stderr.slice(-3000)}`);
    await sleep(100);
  }
  const creates = sim.stats().creates;
  await sleep(SETTLE_S * 1000);
  const tree = async () => [pid, ...(await descendants(pid))];
  const before = await tree();
  const cpu0 = before.reduce((sum, p) => sum + cpuTicks(p), 0);
  let peak = 0;
  let peakProcesses = 0;
  for (let t = 0; t < WINDOW_S; t++) {
    const pids = await tree();
    peak = Math.max(peak, pids.reduce((sum, p) => sum + rssBytes(p), 0));
    peakProcesses = Math.max(peakProcesses, pids.length);
    await sleep(1000);
  }
  const after = await tree();
  const cpu1 = after.reduce((sum, p) => sum + cpuTicks(p), 0);
  const cpuPercent = ((cpu1 - cpu0) / CLK_TCK / WINDOW_S) * 100;
  const split = await memorySplit(port);
  daemon.kill('SIGTERM');
  await new Promise((resolve) => daemon.once('close', resolve));
  const mb = peak / 1024 / 1024;
  console.log(`idle watch over ${FILES} files: peak tree RSS ${mb.toFixed(1)} MB in ${peakProcesses} process(es), CPU ${cpuPercent.toFixed(2)} % of one core over ${WINDOW_S} s`);
  console.log(`uploads while idle: ${sim.stats().creates - creates}`);
  if (split) {
    console.log(
      `daemon memory: RSS ${split.rss.toFixed(1)} MB = V8 heap ${split.heapTotal.toFixed(1)} MB committed (${split.heapUsed.toFixed(1)} MB used) + ${(split.rss - split.heapTotal).toFixed(1)} MB outside the heap (${split.external.toFixed(1)} MB external)`,
    );
  }
  console.log(`target ≤ 150 MB and CPU ≈ 0: ${mb <= 150 && cpuPercent < 1 ? 'met' : 'NOT met'}`);
  const rows: BenchRow[] = [
    row(`idle watch over ${FILES} synced files: peak RSS of the process tree`, mb, undefined, {
      unit: 'MB',
      target: '≤ 150 MB',
      note: `${peakProcesses} process(es), CPU ${cpuPercent.toFixed(2)} % of one core over ${WINDOW_S} s${split ? `; heap ${split.heapUsed.toFixed(1)} MB used of ${split.heapTotal.toFixed(1)} MB committed, ${(split.rss - split.heapTotal).toFixed(1)} MB outside the heap` : ''}`,
    }),
  ];
  const previous = readResults().idle;
  const others = previous && 'rows' in previous ? previous.rows.filter((r) => !rows.some((n) => n.work === r.work)) : [];
  recordSection('idle', [...others, ...rows]);
} finally {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
