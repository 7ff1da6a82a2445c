/**
 * Validation benchmark (file mode, DESIGN §11): the large generated PDF validated cold and with a
 * worker already started, the corpus validated against its full extraction, and a first
 * `sync --dry-run` over a backlog of documents with validation against the same pass extracting
 * every file in full (how file mode worked before validation). Writes the `validation` section
 * of bench/results.json.
 *
 * Both sides of a ratio are measured warm and alternated in the same run: the corpus in rounds
 * (the first, untimed, warms each kind of work), medians reported. BENCH_BASELINE names a built
 * checkout of the code as it was when issue 12 was filed (29279e1: full extraction with pdf.js,
 * no validation), e.g. `git worktree add ../wt-base 29279e1 && (cd ../wt-base && npm ci)`: then
 * the corpus is also extracted by that code's pool, and `sync --dry-run` is run end to end through
 * both CLIs over the same backlog, alternating.
 * Usage: npm run bench:validate   (BENCH_MB=45 sizes the PDF, BENCH_DOCS=2000 the backlog,
 *        BENCH_BASELINE=/path/to/old/checkout adds the filing-time rows)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { systemClock } from '../src/clock/clock.js';
import { parseConfig } from '../src/config/index.js';
import { runSyncPass } from '../src/engine/sync-pass.js';
import type { Extractor } from '../src/extractors/extraction.js';
import { PDF_ENGINES, type PdfEngine } from '../src/extractors/pdf-engine.js';
import type { createExtractorPool as CreatePool } from '../src/extractors/pool.js';
import { largeTextPdf, loremLines, writePdf } from './support/pdf-writer.js';
import { printRows, recordSection, row, type BenchRow } from './support/results.js';
import { writeDocx } from './support/zip-writer.js';
import { cpuTicks } from '../test/support/proc-tree.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(root, '../shared/corpus');
const targetMb = Number(process.env.BENCH_MB ?? 45);
const backlog = Number(process.env.BENCH_DOCS ?? 2000);
const log = pino({ level: 'silent' });
const compiled = path.join(root, 'dist/extractors/pool.js');
const useDist = existsSync(compiled) && process.env.BENCH_SOURCES !== '1';
const { createExtractorPool } = (await import(useDist ? compiled : '../src/extractors/pool.js')) as { createExtractorPool: typeof CreatePool };
const workers = availableParallelism();
const baselineRoot = process.env.BENCH_BASELINE ? path.resolve(process.env.BENCH_BASELINE) : undefined;
/** Corpus rounds timed per kind of work, after one untimed round. */
const CORPUS_ROUNDS = 3;
const warmFile = path.join(root, 'fixtures/extract/utf8.md');
const out = (line = '') => process.stdout.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await work();
  return { ms: performance.now() - t0, value };
}

/** Linux's USER_HZ, the unit of /proc's CPU times. */
const CLOCK_TICKS_PER_S = 100;

/** CPU (user + system) of this process and its live children (the pool's workers), in ms; Linux /proc. */
function treeCpuMs(): number {
  const own = process.cpuUsage();
  let ms = (own.user + own.system) / 1000;
  const tasks = `/proc/${process.pid}/task`;
  if (!existsSync(tasks)) return ms;
  for (const task of readdirSync(tasks)) {
    const children = readFileSync(`${tasks}/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    for (const pid of children) ms += (cpuTicks(Number(pid)) * 1000) / CLOCK_TICKS_PER_S;
  }
  return ms;
}

function nativeMs(args: string[]): number | undefined {
  if (spawnSync('which', ['pdftotext']).status !== 0) return undefined;
  const t0 = performance.now();
  spawnSync('pdftotext', args, { stdio: 'ignore', timeout: 600_000 });
  return performance.now() - t0;
}

function bigPdf(dir: string): string {
  const file = path.join(dir, `generated-${targetMb}mb.pdf`);
  writeFileSync(file, largeTextPdf(targetMb));
  return file;
}

/** Per PDF engine (PDFium opens a document lazily; pdf.js reads the page tree up front). */
async function largePdfRows(file: string, pdfEngine: PdfEngine): Promise<BenchRow[]> {
  const cold = await timed(async () => {
    const pool = createExtractorPool({ workers: 1, log, taskTimeoutMs: 600_000, maxWorkerMemoryMb: 4096, pdfEngine });
    try {
      return await pool.validate(file);
    } finally {
      await pool.close();
    }
  });
  const pool = createExtractorPool({ workers: 1, log, taskTimeoutMs: 600_000, maxWorkerMemoryMb: 4096, pdfEngine });
  try {
    await pool.validate(warmFile);
    const warm: number[] = [];
    const cpu: number[] = [];
    let pages = 0;
    for (let i = 0; i < 3; i++) {
      const cpu0 = treeCpuMs();
      const r = await timed(() => pool.validate(file));
      cpu.push(treeCpuMs() - cpu0);
      warm.push(r.ms);
      pages = r.value.pages ?? 0;
      if (!r.value.ok) throw new Error(`the generated PDF did not validate: ${r.value.reason}`);
    }
    const firstPage = nativeMs(['-q', '-l', '1', file, '-']);
    const label = `${targetMb} MB / ${pages}-page PDF validated (${pdfEngine})`;
    return [
      row(`${label}, worker started`, median(warm), firstPage, {
        anchor: 'pdftotext -l 1',
        target: '≤ 500 ms',
        note: `CPU (bench + worker, clock ticks) median ${median(cpu).toFixed(0)} ms; runs ${warm.map((w) => w.toFixed(0)).join(', ')} ms; load average ${loadavg()[0]?.toFixed(2)}`,
      }),
      row(`${label}, cold (pool start + libraries + file)`, cold.ms, firstPage, { anchor: 'pdftotext -l 1' }),
    ];
  } finally {
    await pool.close();
  }
}

function corpusFiles(): string[] {
  if (!existsSync(corpus)) return [];
  return ['pdf', 'docx', 'html', 'txt', 'md'].flatMap((d) =>
    readdirSync(path.join(corpus, d)).filter((f) => !f.includes('bomb_giant')).map((f) => path.join(corpus, d, f)),
  );
}

/** The filing-time code's pool (it only extracts), from its built checkout. */
async function baselinePool(): Promise<ReturnType<typeof CreatePool> | undefined> {
  if (!baselineRoot) return undefined;
  const compiledThen = path.join(baselineRoot, 'dist/extractors/pool.js');
  if (!existsSync(compiledThen)) throw new Error(`BENCH_BASELINE: ${compiledThen} not found; run npm ci (it builds) in ${baselineRoot}`);
  const then = (await import(compiledThen)) as { createExtractorPool: typeof CreatePool };
  return then.createExtractorPool({ workers, log, taskTimeoutMs: 120_000 });
}

type Round = { ms: number; cpuMs: number; outcomes: string[] };

async function corpusRound(files: string[], read: (file: string) => Promise<{ ok: boolean; reason?: string }>): Promise<Round> {
  const cpu0 = treeCpuMs();
  const r = await timed(() => Promise.all(files.map(read)));
  return { ms: r.ms, cpuMs: treeCpuMs() - cpu0, outcomes: r.value.map((x) => (x.ok ? 'ok' : (x.reason ?? '?'))) };
}

async function corpusRows(): Promise<BenchRow[]> {
  const files = corpusFiles();
  if (files.length === 0) return [];
  const pool = createExtractorPool({ workers, log, taskTimeoutMs: 120_000 });
  const then = await baselinePool();
  try {
    const kinds = {
      validated: (f: string) => pool.validate(f),
      full: (f: string) => pool.extract(f),
      ...(then ? { fullThen: (f: string) => then.extract(f) } : {}),
    };
    const runs: Record<string, Round[]> = {};
    for (let round = 0; round <= CORPUS_ROUNDS; round++) {
      for (const [kind, read] of Object.entries(kinds)) {
        const measured = await corpusRound(files, read);
        if (round > 0) (runs[kind] ??= []).push(measured);
      }
    }
    const ms = (kind: string) => median((runs[kind] ?? []).map((r) => r.ms));
    const cpu = (kind: string) => median((runs[kind] ?? []).map((r) => r.cpuMs));
    const list = (kind: string) => (runs[kind] ?? []).map((r) => r.ms.toFixed(0)).join(', ');
    const agree = (kind: string) => {
      const a = runs.validated?.[0]?.outcomes ?? [];
      const b = runs[kind]?.[0]?.outcomes ?? [];
      return `${a.filter((o, i) => o === b[i]).length}/${files.length} files with the same outcome`;
    };
    const load = `load average ${loadavg()[0]?.toFixed(2)}`;
    const rows = [
      row(`corpus (${files.length} files) validated through the pool`, ms('validated'), ms('full'), {
        anchor: 'full extraction now, same pool',
        target: 'ratio ≤ 0.2 (≥ 5× faster)',
        note: `${agree('full')} as full extraction; medians of ${CORPUS_ROUNDS} alternated warm rounds: validated ${list('validated')} ms, full ${list('full')} ms; CPU (bench + workers) ${cpu('validated').toFixed(0)} vs ${cpu('full').toFixed(0)} ms; ${load}`,
      }),
    ];
    if (then) {
      rows.push(
        row(`corpus (${files.length} files) validated now, against full extraction at filing (29279e1)`, ms('validated'), ms('fullThen'), {
          anchor: 'full extraction by the filing-time code (pdf.js), its own pool, same run',
          target: 'ratio ≤ 0.2 (≥ 5× faster)',
          note: `${agree('fullThen')} as that extraction; its rounds ${list('fullThen')} ms, CPU ${cpu('fullThen').toFixed(0)} ms; ${load}`,
        }),
      );
    }
    return rows;
  } finally {
    await Promise.all([pool.close(), then?.close()]);
  }
}

/**
 * A backlog like a first sync meets: mostly short documents, some long PDFs and DOCX files, all
 * written an hour ago (a backlog is old: no file is held back as still being written, which
 * would leave it unread by whichever pass ran first).
 */
function writeBacklog(dir: string, count: number): void {
  const anHourAgo = Date.now() / 1000 - 3600;
  for (let i = 0; i < count; i++) {
    const sub = path.join(dir, `f${Math.floor(i / 200)}`);
    if (i % 200 === 0) mkdirSync(sub, { recursive: true });
    const kind = i % 5;
    const file = path.join(sub, `d${i}.${kind < 2 ? 'pdf' : kind === 2 ? 'docx' : 'md'}`);
    if (kind === 0 || kind === 1) {
      const pages = 5 + ((i * 37) % 120);
      writeFileSync(file, writePdf({ pages: Array.from({ length: pages }, (_, p) => loremLines(40, i * 1000 + p)) }));
    } else if (kind === 2) {
      writeFileSync(file, writeDocx(loremLines(200 + ((i * 13) % 800), i)));
    } else {
      writeFileSync(file, `# Note ${i}\n\n${loremLines(30, i).join('\n')}\n`);
    }
    utimesSync(file, anHourAgo, anHourAgo);
  }
}

async function dryRunRows(dir: string): Promise<BenchRow[]> {
  const docs = path.join(dir, 'backlog');
  writeBacklog(docs, backlog);
  const document = {
    api: { baseUrl: 'http://127.0.0.1:9' },
    state: path.join(dir, 'state.db'),
    extraction: { workers },
    sources: [{ name: 'docs', path: docs, replicaUUID: '7f3c2a10-0000-4000-8000-0000000000aa' }],
  };
  const configPath = path.join(dir, 'sensay-ingest.config.json');
  writeFileSync(configPath, JSON.stringify(document));
  const config = parseConfig(document, { configPath, env: {} });
  const pass = async (adapt: (pool: ReturnType<typeof CreatePool>) => Extractor) => {
    const pool = createExtractorPool({ workers, log, taskTimeoutMs: 120_000 });
    try {
      await Promise.all(Array.from({ length: workers }, () => pool.validate(warmFile)));
      return await timed(() => runSyncPass({ clock: systemClock, store: null, extractor: adapt(pool), log, config }, { dryRun: true }));
    } finally {
      await pool.close();
    }
  };
  const validated = [await pass((pool) => pool)];
  // Before validation, file mode extracted every file in full: the same pass with extract only.
  const extracted = await pass((pool) => ({ extract: (p, o) => pool.extract(p, o), validate: (p, o) => pool.extract(p, o) as never }));
  validated.push(await pass((pool) => pool));
  const creates = (r: typeof extracted) => r.value.counts.create;
  // The slower of the two validated passes (before and after the full one), to stay on the safe side.
  const slower = validated.reduce((a, b) => (b.ms > a.ms ? b : a));
  const rows = [
    row(`first sync --dry-run over ${backlog} documents: plan and ETA (the pass, workers started)`, slower.ms, extracted.ms, {
      anchor: 'same pass extracting in full now, same run',
      target: 'ratio < 0.1',
      note: `validated passes ${validated.map((v) => v.ms.toFixed(0)).join(', ')} ms; creates planned: ${creates(slower)} validated, ${creates(extracted)} extracted; load average ${loadavg()[0]?.toFixed(2)}`,
    }),
  ];
  return [...rows, ...cliDryRunRows(configPath)];
}

/**
 * `sync --dry-run` end to end as a user runs it (process and worker start, scan, reading, plan,
 * ETA): this checkout's CLI against the filing-time CLI on the same backlog, alternated (new,
 * old, new; the slower new run is reported).
 */
function cliDryRunRows(configPath: string): BenchRow[] {
  const cliNow = path.join(root, 'dist/cli.js');
  if (!baselineRoot || !existsSync(cliNow)) return [];
  const run = (checkout: string) => {
    const t0 = performance.now();
    const done = spawnSync(process.execPath, [path.join(checkout, 'dist/cli.js'), 'sync', '--dry-run', '--json', '--config', configPath], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      timeout: 1_800_000,
    });
    const ms = performance.now() - t0;
    if (done.status !== 0) throw new Error(`sync --dry-run (${checkout}) exited ${done.status}: ${done.stderr.slice(-500)}`);
    return ms;
  };
  const now = [run(root)];
  const then = run(baselineRoot);
  now.push(run(root));
  return [
    row(`first sync --dry-run over ${backlog} documents through the CLI: plan and ETA`, Math.max(...now), then, {
      anchor: 'the filing-time CLI (29279e1), same backlog, same run',
      target: 'ratio < 0.1',
      note: `this CLI ${now.map((ms) => ms.toFixed(0)).join(', ')} ms around the old one; load average ${loadavg()[0]?.toFixed(2)}`,
    }),
  ];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-validate-'));
  try {
    out(`extractors: ${useDist ? 'compiled dist/extractors' : 'TypeScript sources through tsx'}; ${workers} workers`);
    const rows: BenchRow[] = [];
    const big = bigPdf(dir);
    const engineSteps = PDF_ENGINES.map((engine) => () => largePdfRows(big, engine));
    for (const step of [...engineSteps, corpusRows, () => dryRunRows(dir)]) {
      const measured = await step();
      for (const r of measured) out(`  ${r.work}: ${r.ours} ms${r.native !== undefined ? ` vs ${r.native} ms (${r.anchor}), ratio ${r.ratio}` : ''}`);
      rows.push(...measured);
    }
    printRows('validation (file mode)', rows);
    recordSection('validation', rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
