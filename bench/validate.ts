/**
 * Validation benchmark (file mode, DESIGN §11): the large generated PDF validated cold and with a
 * worker already started, the corpus validated against its full extraction, and a first
 * `sync --dry-run` over a backlog of documents with validation against the same pass extracting
 * every file in full (how file mode worked before validation). Writes the `validation` section
 * of bench/results.json.
 * Usage: npm run bench:validate   (BENCH_MB=45 sizes the PDF, BENCH_DOCS=2000 the backlog)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

async function corpusRows(): Promise<BenchRow[]> {
  const files = corpusFiles();
  if (files.length === 0) return [];
  const pool = createExtractorPool({ workers, log, taskTimeoutMs: 120_000 });
  try {
    await Promise.all(Array.from({ length: workers }, () => pool.validate(warmFile)));
    const full = await timed(() => Promise.all(files.map((f) => pool.extract(f))));
    const checked = await timed(() => Promise.all(files.map((f) => pool.validate(f))));
    const same = files.filter((_, i) => (full.value[i]?.ok ? 'ok' : full.value[i]?.reason) === (checked.value[i]?.ok ? 'ok' : checked.value[i]?.reason)).length;
    return [
      row(`corpus (${files.length} files) validated through the pool`, checked.ms, full.ms, {
        anchor: 'full extraction, same pool',
        target: 'ratio ≤ 0.2 (≥ 5× faster)',
        note: `${same}/${files.length} files with the same outcome as full extraction`,
      }),
    ];
  } finally {
    await pool.close();
  }
}

/** A backlog like a first sync meets: mostly short documents, some long PDFs and DOCX files. */
function writeBacklog(dir: string, count: number): void {
  for (let i = 0; i < count; i++) {
    const sub = path.join(dir, `f${Math.floor(i / 200)}`);
    if (i % 200 === 0) mkdirSync(sub, { recursive: true });
    const kind = i % 5;
    if (kind === 0 || kind === 1) {
      const pages = 5 + ((i * 37) % 120);
      writeFileSync(path.join(sub, `d${i}.pdf`), writePdf({ pages: Array.from({ length: pages }, (_, p) => loremLines(40, i * 1000 + p)) }));
    } else if (kind === 2) {
      writeFileSync(path.join(sub, `d${i}.docx`), writeDocx(loremLines(200 + ((i * 13) % 800), i)));
    } else {
      writeFileSync(path.join(sub, `d${i}.md`), `# Note ${i}\n\n${loremLines(30, i).join('\n')}\n`);
    }
  }
}

async function dryRunRows(dir: string): Promise<BenchRow[]> {
  const docs = path.join(dir, 'backlog');
  writeBacklog(docs, backlog);
  const config = parseConfig(
    {
      api: { baseUrl: 'http://127.0.0.1:9' },
      state: path.join(dir, 'state.db'),
      extraction: { workers },
      sources: [{ name: 'docs', path: docs, replicaUUID: '7f3c2a10-0000-4000-8000-0000000000aa' }],
    },
    { configPath: path.join(dir, 'sensay-ingest.config.json'), env: {} },
  );
  const pass = async (adapt: (pool: ReturnType<typeof CreatePool>) => Extractor) => {
    const pool = createExtractorPool({ workers, log, taskTimeoutMs: 120_000 });
    try {
      await Promise.all(Array.from({ length: workers }, () => pool.validate(warmFile)));
      return await timed(() => runSyncPass({ clock: systemClock, store: null, extractor: adapt(pool), log, config }, { dryRun: true }));
    } finally {
      await pool.close();
    }
  };
  const validated = await pass((pool) => pool);
  // Before validation, file mode extracted every file in full: the same pass with extract only.
  const extracted = await pass((pool) => ({ extract: (p, o) => pool.extract(p, o), validate: (p, o) => pool.extract(p, o) as never }));
  const creates = (r: typeof validated) => r.value.counts.create;
  return [
    row(`first sync --dry-run over ${backlog} documents: plan and ETA`, validated.ms, extracted.ms, {
      anchor: 'same pass extracting in full (before)',
      target: 'ratio < 0.1',
      note: `creates planned: ${creates(validated)} validated, ${creates(extracted)} extracted`,
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
