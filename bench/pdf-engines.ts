/**
 * PDF engines side by side (issue 12 §2): for each `extraction.pdfEngine` (PDFium with its pdf.js
 * fallback, and pdf.js alone), through the production worker pool (one worker per core, large
 * PDFs split across them), against pdftotext run in the same rounds:
 * - text agreement with pdftotext (token F1, mean over the corpus PDFs pdftotext reads);
 * - outcomes per corpus PDF (an `ok` under pdf.js must not become a rejection);
 * - per-file time of irs_fd_ins_1040.pdf and the generated BENCH_MB PDF (medians of BENCH_REPEAT
 *   rounds, engines and pdftotext interleaved so machine load hits all alike);
 * - corpus PDFs through the pool against pdftotext run sequentially;
 * - for the default engine, the same per-file times without the split (a pool of one worker) and
 *   as a user's first command sees them: `sensay-ingest extract --full FILE`, a fresh process that
 *   starts node, its worker pool and PDFium (needs `npm run build`).
 * Prints the comparison table and writes the `pdfEngines` section of bench/results.json.
 * Usage: npm run bench:pdf-engines   (BENCH_MB=45, BENCH_REPEAT=3)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { Extraction } from '../src/extractors/extraction.js';
import { DEFAULT_PDF_ENGINE, PDF_ENGINES, type PdfEngine } from '../src/extractors/pdf-engine.js';
import type { createExtractorPool as CreatePool, ExtractorPool } from '../src/extractors/pool.js';
import { agreement } from './support/agreement.js';
import { largeTextPdf } from './support/pdf-writer.js';
import { printRows, recordSection, row, type BenchRow } from './support/results.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(root, '../shared/corpus/pdf');
const targetMb = Number(process.env.BENCH_MB ?? 45);
const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));
const compiled = path.join(root, 'dist/extractors/pool.js');
const useDist = existsSync(compiled) && process.env.BENCH_SOURCES !== '1';
const { createExtractorPool } = (await import(useDist ? compiled : '../src/extractors/pool.js')) as { createExtractorPool: typeof CreatePool };
const workers = availableParallelism();
const log = pino({ level: 'silent' });
const out = (line = '') => process.stdout.write(`${line}\n`);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : Number.NaN;
};

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await work();
  return { ms: performance.now() - t0, value };
}

function pdftotextMs(file: string): number {
  const t0 = performance.now();
  spawnSync('pdftotext', ['-q', file, '-'], { stdio: 'ignore', timeout: 600_000 });
  return performance.now() - t0;
}

async function warmPool(pdfEngine: PdfEngine, size = workers): Promise<ExtractorPool> {
  const pool = createExtractorPool({ workers: size, log, pdfEngine, taskTimeoutMs: 600_000, maxWorkerMemoryMb: 4096, idleSeconds: 3600 });
  await Promise.all(Array.from({ length: size }, () => pool.extract(path.join(root, 'fixtures/extract/utf8.md'))));
  return pool;
}

const cli = path.join(root, 'dist/cli.js');

const push = (m: Map<string, number[]>, k: string, v: number) => m.set(k, [...(m.get(k) ?? []), v]);

/** `extract --full FILE` in a fresh process, text to /dev/null. */
function cliMs(file: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, 'extract', '--full', file], { stdio: 'ignore', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`extract --full ${file} exited ${r.status}`);
  return performance.now() - t0;
}

/** The default engine on one warm worker (no split), and through the CLI from a cold start when it is built. */
async function singleAndCold(files: string[], single: Map<string, number[]>, cold: Map<string, number[]>): Promise<void> {
  const pool = await warmPool(DEFAULT_PDF_ENGINE, 1);
  try {
    for (const f of files) push(single, f, (await timed(() => pool.extract(f))).ms);
  } finally {
    await pool.close();
  }
  if (existsSync(cli)) for (const f of files) push(cold, f, cliMs(f));
}

type EngineRun = { results: Map<string, Extraction>; corpusMs: number[]; fileMs: Map<string, number[]> };

async function main(): Promise<void> {
  if (spawnSync('which', ['pdftotext']).status !== 0) throw new Error('pdftotext is needed (apt-get install poppler-utils)');
  if (!existsSync(corpus)) throw new Error(`${corpus} not found`);
  const pdfs = readdirSync(corpus).filter((f) => f.endsWith('.pdf') && !f.includes('bomb_giant')).map((f) => path.join(corpus, f));
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-pdf-engines-'));
  const big = path.join(dir, `generated-${targetMb}mb.pdf`);
  writeFileSync(big, largeTextPdf(targetMb));
  const timedFiles = [path.join(corpus, 'irs_fd_ins_1040.pdf'), path.join(corpus, 'freeculture.pdf'), big];
  out(`extractors: ${useDist ? 'compiled dist/' : 'TypeScript sources'}; ${workers} workers; ${pdfs.length} corpus PDFs; ${repeat} rounds`);
  const runs = new Map<PdfEngine, EngineRun>(PDF_ENGINES.map((e) => [e, { results: new Map(), corpusMs: [], fileMs: new Map() }]));
  const native = { corpusMs: [] as number[], fileMs: new Map<string, number[]>(), singleMs: new Map<string, number[]>(), cliMs: new Map<string, number[]>() };
  try {
    for (let round = 0; round < repeat; round++) {
      for (const engine of PDF_ENGINES) {
        const run = runs.get(engine) as EngineRun;
        const pool = await warmPool(engine);
        try {
          const all = await timed(() => Promise.all(pdfs.map((f) => pool.extract(f))));
          run.corpusMs.push(all.ms);
          pdfs.forEach((f, i) => run.results.set(f, all.value[i] as Extraction));
          for (const f of timedFiles) push(run.fileMs, f, (await timed(() => pool.extract(f))).ms);
        } finally {
          await pool.close();
        }
      }
      await singleAndCold(timedFiles, native.singleMs, native.cliMs);
      native.corpusMs.push(pdfs.reduce((n, f) => n + pdftotextMs(f), 0));
      for (const f of timedFiles) push(native.fileMs, f, pdftotextMs(f));
      out(`round ${round + 1}/${repeat} done`);
    }
    report(pdfs, timedFiles, runs, native);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** pdftotext's times, and the default engine's times on one worker and through a cold CLI. */
type SideRuns = { corpusMs: number[]; fileMs: Map<string, number[]>; singleMs: Map<string, number[]>; cliMs: Map<string, number[]> };

function report(pdfs: string[], timedFiles: string[], runs: Map<PdfEngine, EngineRun>, native: SideRuns): void {
  const rows: BenchRow[] = [];
  const f1 = new Map(PDF_ENGINES.map((e) => [e, agreement(pdfs, (runs.get(e) as EngineRun).results)]));
  outcomeTable(pdfs, runs, f1);
  for (const engine of PDF_ENGINES) {
    const a = f1.get(engine) as ReturnType<typeof agreement>;
    rows.push(row(`token F1 vs pdftotext, ${engine}, mean over ${a.files} corpus PDFs`, a.f1, undefined, { unit: 'F1', anchor: 'pdftotext text', target: 'not below pdf.js' }));
  }
  const nativeCorpus = median(native.corpusMs);
  for (const engine of PDF_ENGINES) {
    const run = runs.get(engine) as EngineRun;
    rows.push(row(`corpus PDFs (${pdfs.length}) through the pool, ${engine}`, median(run.corpusMs), nativeCorpus, { anchor: 'pdftotext, sequential', target: 'ratio ≤ 1' }));
    for (const f of timedFiles) {
      const name = path.basename(f);
      rows.push(row(`${name}, one file (warm pool), ${engine}`, median(run.fileMs.get(f) ?? []), median(native.fileMs.get(f) ?? []), { anchor: 'pdftotext', target: 'ratio ≤ 1.5', note: `rounds: ${(run.fileMs.get(f) ?? []).map((x) => x.toFixed(0)).join(', ')} ms; pdftotext ${(native.fileMs.get(f) ?? []).map((x) => x.toFixed(0)).join(', ')} ms` }));
    }
  }
  rows.push(...singleAndColdRows(timedFiles, native));
  printRows(`PDF engines (medians of ${repeat} rounds)`, rows);
  recordSection('pdfEngines', rows);
}

function singleAndColdRows(timedFiles: string[], native: SideRuns): BenchRow[] {
  const ms = (xs: number[] | undefined) => (xs ?? []).map((x) => x.toFixed(0)).join(', ');
  return timedFiles.flatMap((f) => {
    const name = path.basename(f);
    const anchor = median(native.fileMs.get(f) ?? []);
    const note = (xs: number[] | undefined) => `rounds: ${ms(xs)} ms; pdftotext ${ms(native.fileMs.get(f))} ms`;
    const cold = native.cliMs.get(f) ?? [];
    return [
      row(`${name}, one warm worker (no split), ${DEFAULT_PDF_ENGINE}`, median(native.singleMs.get(f) ?? []), anchor, { anchor: 'pdftotext', note: note(native.singleMs.get(f)) }),
      ...(cold.length === 0
        ? []
        : [row(`${name}, \`extract --full\` from a cold start (node, pool, PDFium), ${DEFAULT_PDF_ENGINE}`, median(cold), anchor, { anchor: 'pdftotext', note: note(cold) })]),
    ];
  });
}

function outcomeTable(pdfs: string[], runs: Map<PdfEngine, EngineRun>, f1: Map<PdfEngine, ReturnType<typeof agreement>>): void {
  out(`\n| corpus PDF | ${PDF_ENGINES.map((e) => `${e} outcome | ${e} F1`).join(' | ')} |`);
  out(`|---|${PDF_ENGINES.map(() => '---|---').join('|')}|`);
  for (const f of pdfs) {
    const cells = PDF_ENGINES.map((e) => {
      const r = (runs.get(e) as EngineRun).results.get(f);
      const score = f1.get(e)?.perFile.get(f);
      return `${r?.ok ? 'ok' : (r?.reason ?? '-')} | ${score === undefined ? '-' : score.toFixed(3)}`;
    });
    out(`| ${path.basename(f)} | ${cells.join(' | ')} |`);
  }
  const [engine, base] = PDF_ENGINES;
  const lost = pdfs.filter((f) => (runs.get(base) as EngineRun).results.get(f)?.ok && !(runs.get(engine) as EngineRun).results.get(f)?.ok);
  out(`\nfiles ok with ${base} but rejected with ${engine}: ${lost.length ? lost.map((f) => path.basename(f)).join(', ') : 'none'}`);
}

await main();
