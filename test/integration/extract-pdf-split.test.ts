/**
 * Page-parallel PDF extraction through the real pool: a large PDF split across workers must give
 * exactly what one worker gives, and a failing part must fail the file without hurting the pool.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loremLines, writePdf } from '../../bench/support/pdf-writer.js';
import { createExtractorPool, type ExtractorPool } from '../../src/extractors/pool.js';
import { forkWorker } from '../../src/extractors/worker-process.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/extract');
const log = pino({ level: 'silent' });
const MiB = 1024 * 1024;
/** Small thresholds so a test-sized PDF is split; the default is ≥ 2 MiB and ≥ 50 pages. */
const SPLIT_SMALL = { minBytes: 1, minPages: 40 };

let tmp: string;
let book: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'extract-split-'));
  book = path.join(tmp, 'book.pdf');
  // Pages differ, and some are blank, so a part joined out of order or twice would show.
  const pages = Array.from({ length: 120 }, (_, i) => (i % 37 === 5 ? [] : [`Page ${i + 1} begins.`, ...loremLines(8, i + 1)]));
  await writeFile(book, writePdf({ pages, title: 'Split Handbook' }));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function withPool<T>(options: Parameters<typeof createExtractorPool>[0], use: (pool: ExtractorPool) => Promise<T>): Promise<T> {
  const pool = createExtractorPool(options);
  try {
    return await use(pool);
  } finally {
    await pool.close();
  }
}

/** The file extracted by one worker, and split across three, with the split pool's stats. */
async function singleAndSplit(file: string) {
  const single = await withPool({ workers: 1, log }, (pool) => pool.extract(file));
  const { split, stats } = await withPool({ workers: 3, log, pdfSplit: SPLIT_SMALL }, async (pool) => ({
    split: await pool.extract(file),
    stats: pool.stats(),
  }));
  if (!single.ok || !split.ok) throw new Error(`not extracted: ${JSON.stringify([single, split]).slice(0, 300)}`);
  return { single, split, stats };
}

describe('page-parallel PDF extraction', () => {
  it('gives the same text, hashes, pages and title as one worker', async () => {
    const { single, split, stats } = await singleAndSplit(book);
    expect(stats.splitFiles).toBe(1);
    expect(stats.tasks).toBeGreaterThanOrEqual(3);
    expect(split).toEqual(single);
    expect(split).toMatchObject({ pages: 120, title: 'Split Handbook' });
    expect(split.text.indexOf('Page 61 begins.')).toBeGreaterThan(split.text.indexOf('Page 60 begins.'));
  });

  it('says once that pdf.js read a split PDF in which PDFium found no text, as one worker says it', async () => {
    const file = path.join(tmp, 'brotli-book.pdf');
    await writeFile(file, writePdf({ pages: Array.from({ length: 100 }, (_, i) => [`Brotli page ${i + 1}.`, ...loremLines(4, i)]), brotliContent: true }));
    const { single, split, stats } = await singleAndSplit(file);
    expect(stats.splitFiles).toBe(1);
    expect(split.text).toBe(single.text);
    expect(single.warnings).toContain('PDFium found no text; read with pdf.js');
    expect(split.warnings.filter((w) => w === 'PDFium found no text; read with pdf.js')).toHaveLength(1);
  });

  it('keeps small PDFs in one worker', async () => {
    const stats = await withPool({ workers: 2, log }, async (pool) => {
      expect(await pool.extract(book)).toMatchObject({ ok: true, pages: 120 });
      expect(await pool.extract(path.join(fixtures, 'text.pdf'))).toMatchObject({ ok: true, pages: 2 });
      return pool.stats();
    });
    expect(stats).toMatchObject({ splitFiles: 0, tasks: 2 });
  });

  it.each(['stat by the pool (extract)', 'given by the scan (the engine)'])('starts the part workers while the first worker opens a file big enough to split, not after: size %s', async (how) => {
    // The production fork, recording how many files had been split when each worker was started.
    const splitsAtStart: number[] = [];
    const fork: typeof forkWorker = (mb) => {
      splitsAtStart.push(pool.stats().splitFiles);
      return forkWorker(mb);
    };
    const pool = createExtractorPool({ workers: 3, log, pdfSplit: SPLIT_SMALL, fork });
    const { dev, ino, size } = await stat(book);
    try {
      expect(await pool.extract(book, how.startsWith('given') ? { expected: { dev, ino, size } } : {})).toMatchObject({ ok: true, pages: 120 });
      expect(pool.stats().splitFiles).toBe(1);
      expect(splitsAtStart).toEqual([0, 0, 0]);
    } finally {
      await pool.close();
    }
  });

  it('extracts a large PDF whole when other files wait: every worker has work, a split would only add to it', async () => {
    await withPool({ workers: 2, log, pdfSplit: SPLIT_SMALL }, async (pool) => {
      const [whole, ...others] = await Promise.all([book, path.join(fixtures, 'text.pdf'), path.join(fixtures, 'utf8.md')].map((f) => pool.extract(f)));
      expect(whole).toMatchObject({ ok: true, pages: 120, title: 'Split Handbook' });
      expect(others.every((r) => r.ok)).toBe(true);
      expect(pool.stats()).toMatchObject({ splitFiles: 0, tasks: 3 });
      // Alone, the same file is split.
      expect(await pool.extract(book)).toEqual(whole);
      expect(pool.stats().splitFiles).toBe(1);
    });
  });

  it('starts one worker for a file too small to split', async () => {
    await withPool({ workers: 3, log }, async (pool) => {
      expect(await pool.extract(path.join(fixtures, 'text.pdf'))).toMatchObject({ ok: true });
      expect(pool.stats().workersStarted).toBe(1);
    });
  });

  it('fails the whole file when one part exceeds the memory bound, and the pool carries on', async () => {
    const file = path.join(tmp, 'bomb-late.pdf');
    const pages = Array.from({ length: 100 }, (_, i) => (i === 80 ? { inflatedBytes: 768 * MiB } : loremLines(6, i + 1)));
    await writeFile(file, writePdf({ pages }));
    // Idle TS workers (tsx) sit near 330 MB; the bomb page alone inflates to 768 MiB.
    await withPool({ workers: 2, log, maxWorkerMemoryMb: 640, taskTimeoutMs: 20_000, pdfSplit: SPLIT_SMALL }, async (pool) => {
      const r = await pool.extract(file);
      expect(r).toMatchObject({ ok: false, reason: 'TOO_COMPLEX', kind: 'pdf' });
      expect(!r.ok && r.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(pool.stats().splitFiles).toBe(1);
      expect(await pool.extract(book)).toMatchObject({ ok: true, pages: 120 });
      expect(await pool.extract(path.join(fixtures, 'text.docx'))).toMatchObject({ ok: true });
      expect(pool.stats().workersStarted).toBeGreaterThanOrEqual(3);
    });
  });

  it('fails the whole file with TIMEOUT when a part runs past the time limit', async () => {
    const file = path.join(tmp, 'long.pdf');
    // Opening it and planning takes a fraction of the limit; extracting half of its pages, several times it.
    await writeFile(file, writePdf({ pages: Array.from({ length: 5000 }, (_, i) => loremLines(40, i + 1)) }));
    await withPool({ workers: 2, log, taskTimeoutMs: 1500, pdfSplit: SPLIT_SMALL }, async (pool) => {
      const r = await pool.extract(file);
      expect(r).toMatchObject({ ok: false, reason: 'TIMEOUT', kind: 'pdf' });
      expect(pool.stats().splitFiles).toBe(1);
      expect(await pool.extract(path.join(fixtures, 'utf8.md'))).toMatchObject({ ok: true });
    });
  });
});
