/**
 * npm run bench:memory
 *
 * Peak RSS of the built CLI (`dist/cli.js`) for a first `sync --dry-run` and a first `sync` of a
 * text-mode source of 2,000 documents (~24 KB of text each, ~48 MB in all) against the simulator.
 * Each run is its own process, measured with getrusage's maxRSS via a preload; the extraction
 * workers are separate processes and not counted (they hold one file at a time).
 *
 * Options: --files N (default 2000), --kb N (text per file, default 24), --cli PATH (another build,
 * e.g. an older checkout's dist/cli.js, to compare).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../src/sim/index.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : (args[at + 1] ?? fallback);
};
const files = Number(option('files', '2000'));
const kb = Number(option('kb', '24'));
const cli = resolve(option('cli', fileURLToPath(new URL('../dist/cli.js', import.meta.url))));
const preload = fileURLToPath(new URL('./support/report-max-rss.mjs', import.meta.url));
const REPLICA = '5e1f0000-0000-4000-8000-00000000be00';

/** Distinct paragraphs per file, so no two texts are equal and none compresses to nothing. */
function writeCorpus(docs: string): void {
  for (let i = 0; i < files; i++) {
    const dir = join(docs, `d${String(Math.floor(i / 100)).padStart(2, '0')}`);
    if (i % 100 === 0) mkdirSync(dir, { recursive: true });
    const lines: string[] = [`# Document ${i}`, ''];
    let size = 0;
    for (let p = 0; size < kb * 1024; p++) {
      const line = `Paragraph ${p} of document ${i}: ${Math.sin(i * 7919 + p).toString(36)} ${'lorem ipsum dolor sit amet '.repeat(3)}`;
      lines.push(line, '');
      size += line.length + 2;
    }
    writeFileSync(join(dir, `doc-${i}.md`), lines.join('\n'));
  }
}

async function run(cwd: string, argv: string[], env: Record<string, string>): Promise<{ code: number | null; maxRssKb: number; seconds: number }> {
  const rssFile = join(cwd, `rss-${argv.join('-')}.txt`);
  const started = performance.now();
  const code = await new Promise<number | null>((done, fail) => {
    const child = spawn(process.execPath, ['--import', preload, cli, ...argv], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', BENCH_MAX_RSS_FILE: rssFile, SENSAY_INGEST_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', fail);
    child.on('exit', (exitCode) => done(exitCode));
  });
  return { code, maxRssKb: Number(readFileSync(rssFile, 'utf8')), seconds: (performance.now() - started) / 1000 };
}

const base = mkdtempSync(join(tmpdir(), 'sensay-bench-memory-'));
const sim = await startSimulator({ timeline: { stepMs: 50 }, uploadsPerHour: Infinity, requestsPerMinute: Infinity });
try {
  writeCorpus(join(base, 'docs'));
  writeFileSync(
    join(base, 'sensay-ingest.config.json'),
    JSON.stringify({
      state: 'state/state.db',
      limits: { uploadsPerHour: 10 },
      extraction: { workers: 2 },
      daemon: { awaitWriteFinishMs: 0 },
      sources: [{ name: 'docs', path: 'docs', replicaUUID: REPLICA, mode: 'text' }],
    }),
  );
  const env = { SENSAY_API_URL: sim.url, SENSAY_ORGANIZATION_SECRET: sim.secret };
  console.log(`memory bench: ${files} text-mode documents of ~${kb} KB, CLI ${cli}`);
  for (const argv of [['sync', '--dry-run', '--json'], ['sync', '--json']]) {
    const result = await run(base, argv, env);
    console.log(`  ${argv.slice(0, -1).join(' ').padEnd(14)} peak RSS ${(result.maxRssKb / 1024).toFixed(1)} MiB  (${result.seconds.toFixed(1)} s, exit ${result.code})`);
  }
} finally {
  await sim.close();
  rmSync(base, { recursive: true, force: true });
}
