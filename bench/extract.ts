/**
 * Extraction benchmark: the shared corpus plus generated ~45 MB PDF and DOCX files, through the
 * worker pool, against pdftotext and pandoc when installed, and the text agreement (token-level
 * F1) of each PDF engine with pdftotext over the corpus PDFs pdftotext reads. Prints one table and
 * writes the `extraction` section of bench/results.json.
 * Usage: npm run bench:extract   (BENCH_MB=45 sets the size of the generated files)
 * Runs the compiled workers (dist/extractors, after `npm run build`) when present, so that tsx's
 * start-up and memory overhead is not measured; falls back to the TypeScript sources.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { Extraction } from '../src/extractors/extraction.js';
import { DEFAULT_PDF_ENGINE } from '../src/extractors/pdf-engine.js';
import type { createExtractorPool as CreatePool } from '../src/extractors/pool.js';
import { agreement } from './support/agreement.js';
import { largeTextPdf, loremLines } from './support/pdf-writer.js';
import { printRows, recordSection, row, type BenchRow } from './support/results.js';
import { writeDocx } from './support/zip-writer.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(root, '../shared/corpus');
const targetMb = Number(process.env.BENCH_MB ?? 45);
const log = pino({ level: 'silent' });
const compiled = path.join(root, 'dist/extractors/pool.js');
const useDist = existsSync(compiled) && process.env.BENCH_SOURCES !== '1';
const { createExtractorPool } = (await import(useDist ? compiled : '../src/extractors/pool.js')) as { createExtractorPool: typeof CreatePool };
const workers = availableParallelism();
const out = (line = '') => process.stdout.write(`${line}\n`);

type Sample = { file: string; kind: string; bytes: number; ms: number; pages: number; outcome: string; rssMb?: number };

function ensureTool(cmd: string, pkg: string): boolean {
  if (spawnSync('which', [cmd]).status === 0) return true;
  const r = spawnSync('apt-get', ['install', '-y', pkg], { stdio: 'ignore', timeout: 300_000 });
  if (spawnSync('which', [cmd]).status === 0) return true;
  out(`(${cmd} unavailable: apt-get install ${pkg} exited ${r.status ?? r.signal}; native comparison skipped)`);
  return false;
}

function generate(dir: string): string[] {
  const pdfPath = path.join(dir, `generated-${targetMb}mb.pdf`);
  writeFileSync(pdfPath, largeTextPdf(targetMb));
  const docxPath = path.join(dir, `generated-${targetMb}mb.docx`);
  const media = Array.from({ length: Math.max(1, Math.round(targetMb * 0.9)) }, (_, i) => ({ name: `word/media/image${i}.png`, data: randomBytes(1024 * 1024) }));
  writeFileSync(docxPath, writeDocx(loremLines(20_000, 7), media));
  return [pdfPath, docxPath];
}

function corpusFiles(): string[] {
  if (!existsSync(corpus)) return [];
  return ['pdf', 'docx', 'html', 'txt', 'md'].flatMap((d) =>
    readdirSync(path.join(corpus, d)).filter((f) => !f.includes('bomb_giant')).map((f) => path.join(corpus, d, f)),
  );
}

/** One file at a time in a warm pool of one worker per core: a large PDF is split across them. */
async function timeOne(file: string): Promise<Sample> {
  const pool = createExtractorPool({ workers, log, sampleIntervalMs: 20, taskTimeoutMs: 600_000, maxWorkerMemoryMb: 4096 });
  try {
    // Warm: every worker started, libraries loaded.
    await Promise.all(Array.from({ length: workers }, () => pool.extract(path.join(root, 'fixtures/extract/utf8.md'))));
    const t0 = performance.now();
    const r: Extraction = await pool.extract(file);
    return sample(file, r, performance.now() - t0, pool.stats().peakWorkerRssBytes / 1048576);
  } finally {
    await pool.close();
  }
}

function sample(file: string, r: Extraction, ms: number, rssMb?: number): Sample {
  return { file: path.basename(file), kind: ({ htm: 'html', markdown: 'md' } as Record<string, string>)[path.extname(file).slice(1)] ?? path.extname(file).slice(1), bytes: statSync(file).size, ms, pages: r.pages ?? 0, outcome: r.ok ? 'ok' : r.reason, ...(rssMb ? { rssMb } : {}) };
}

function native(file: string): number | undefined {
  const ext = path.extname(file);
  const t0 = performance.now();
  const r = ext === '.pdf'
    ? spawnSync('pdftotext', ['-q', file, '-'], { stdio: ['ignore', 'ignore', 'ignore'], timeout: 600_000 })
    : ext === '.docx' || ext === '.html'
      ? spawnSync('pandoc', ['-t', 'plain', file], { stdio: ['ignore', 'ignore', 'ignore'], timeout: 600_000 })
      : undefined;
  return r ? performance.now() - t0 : undefined;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : 0;
}

async function main(): Promise<void> {
  const havePdftotext = ensureTool('pdftotext', 'poppler-utils');
  const havePandoc = ensureTool('pandoc', 'pandoc');
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-extract-'));
  try {
    const files = corpusFiles();
    out(`extractors: ${useDist ? 'compiled dist/extractors (plain node workers)' : 'TypeScript sources through tsx (run `npm run build` to measure the compiled workers)'}; ${workers} workers`);
    out(`corpus: ${files.length} files${files.length ? '' : ' (../shared/corpus not found)'}; generating ${targetMb} MB PDF + DOCX…`);
    const big = generate(dir);

    // Throughput: the whole corpus through a pool with one worker per core, all workers busy.
    const pool = createExtractorPool({ workers, log, taskTimeoutMs: 120_000 });
    await Promise.all(Array.from({ length: workers }, () => pool.extract(path.join(root, 'fixtures/extract/utf8.md'))));
    const t0 = performance.now();
    const results = await Promise.all(files.map((f) => pool.extract(f)));
    const poolMs = performance.now() - t0;
    const pdfs = files.filter((f) => path.extname(f) === '.pdf');
    const t1 = performance.now();
    await Promise.all(pdfs.map((f) => pool.extract(f)));
    const poolPdfMs = performance.now() - t1;
    const poolRss = pool.stats().peakWorkerRssBytes / 1048576;
    await pool.close();
    const corpusBytes = files.reduce((n, f) => n + statSync(f).size, 0);
    const nativeCorpusMs = files.reduce((n, f) => n + ((path.extname(f) === '.pdf' && havePdftotext) || (path.extname(f) !== '.pdf' && havePandoc) ? (native(f) ?? 0) : 0), 0);
    const pdftotextMs = havePdftotext ? pdfs.reduce((n, f) => n + (native(f) ?? 0), 0) : 0;
    out(`corpus through the pool (${workers} workers): ${(poolMs / 1000).toFixed(2)} s, ${(corpusBytes / 1048576 / (poolMs / 1000)).toFixed(2)} MB/s, ${results.filter((r) => r.ok).length} ok, peak worker RSS ${poolRss.toFixed(0)} MB; sequential native tools: ${(nativeCorpusMs / 1000).toFixed(2)} s`);
    out(`corpus PDFs (${pdfs.length}) through the pool: ${(poolPdfMs / 1000).toFixed(2)} s; sequential pdftotext: ${(pdftotextMs / 1000).toFixed(2)} s; pool/pdftotext time ${pdftotextMs ? (poolPdfMs / pdftotextMs).toFixed(2) : '-'}`);
    const rows: BenchRow[] = [
      row(`corpus (${files.length} files) through the pool (${workers} workers)`, poolMs, nativeCorpusMs, { anchor: 'pdftotext + pandoc, sequential' }),
      row(`corpus PDFs (${pdfs.length}) through the pool`, poolPdfMs, pdftotextMs, { anchor: 'pdftotext, sequential', target: 'ratio ≤ 1' }),
    ];
    if (havePdftotext) {
      const byFile = new Map(files.map((f, i) => [f, results[i] as Extraction]));
      const { f1, files: scored } = agreement(pdfs, byFile);
      out(`text agreement with pdftotext (token F1, mean over ${scored} corpus PDFs pdftotext reads): engine ${DEFAULT_PDF_ENGINE} ${f1.toFixed(3)} (per engine: npm run bench:pdf-engines)`);
      rows.push(row(`token F1 vs pdftotext, engine ${DEFAULT_PDF_ENGINE}, mean over ${scored} corpus PDFs`, f1, undefined, { unit: 'F1', anchor: 'pdftotext text', target: 'no engine below pdf-parse' }));
    }

    // Per-file: one file at a time in a warm worker, with its peak RSS.
    const samples: Sample[] = [];
    for (const f of [...files, ...big]) samples.push(await timeOne(f));
    out();
    out('| kind | files | MB | MB/s | pages/s | median ms | worst ms (file) | peak RSS MB | native ms (sum) | ours/native |');
    out('|---|---|---|---|---|---|---|---|---|---|');
    const groups = new Map<string, Sample[]>();
    for (const s of samples) {
      const key = s.file.startsWith('generated-') ? `${s.kind} (generated ${targetMb} MB)` : s.kind;
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    for (const [kind, group] of groups) {
      const ms = group.reduce((n, s) => n + s.ms, 0);
      const mb = group.reduce((n, s) => n + s.bytes, 0) / 1048576;
      const pages = group.reduce((n, s) => n + s.pages, 0);
      const worst = group.reduce((a, b) => (b.ms > a.ms ? b : a));
      const nativeMs = group.reduce((n, s) => {
        const f = s.file.startsWith('generated-') ? path.join(dir, s.file) : path.join(corpus, kind.split(' ')[0] as string, s.file);
        const usable = (s.kind === 'pdf' && havePdftotext) || ((s.kind === 'docx' || s.kind === 'html') && havePandoc);
        return n + (usable ? (native(f) ?? 0) : 0);
      }, 0);
      rows.push(row(`${kind}: ${group.length} files one at a time (warm worker), sum`, ms, nativeMs || undefined, { anchor: kind.startsWith('pdf') ? 'pdftotext' : 'pandoc', note: `median ${median(group.map((s) => s.ms)).toFixed(0)} ms, worst ${worst.ms.toFixed(0)} ms (${worst.file})` }));
      out(`| ${kind} | ${group.length} | ${mb.toFixed(1)} | ${(mb / (ms / 1000)).toFixed(2)} | ${pages ? (pages / (ms / 1000)).toFixed(0) : '-'} | ${median(group.map((s) => s.ms)).toFixed(0)} | ${worst.ms.toFixed(0)} (${worst.file}) | ${Math.max(...group.map((s) => s.rssMb ?? 0)).toFixed(0)} | ${nativeMs ? nativeMs.toFixed(0) : '-'} | ${nativeMs ? (ms / nativeMs).toFixed(2) : '-'} |`);
    }
    if (existsSync(path.join(corpus, 'pdf/bomb_giant.pdf'))) {
      const b = await timeOne(path.join(corpus, 'pdf/bomb_giant.pdf'));
      out(`\nbomb_giant.pdf: ${b.outcome} in ${b.ms.toFixed(0)} ms, peak worker RSS ${(b.rssMb ?? 0).toFixed(0)} MB`);
    }
    printRows('extraction (text mode, extract --full)', rows);
    recordSection('extraction', rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
