/**
 * The shared corpus, driven by MANIFEST.tsv's `expect` column, through full extraction and
 * through file mode's validation (which must agree with it on every file), once per PDF engine
 * (`extraction.pdfEngine`: PDFium with its pdf.js fallback, the default, and pdf.js alone; the
 * second pass takes only the PDFs, the other formats do not depend on it). CI has ../shared/corpus;
 * where it is absent the suite is skipped and says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REJECT_REASONS, type Extraction } from '../../src/extractors/extraction.js';
import { PDF_ENGINES, type PdfEngine } from '../../src/extractors/pdf-engine.js';
import { createExtractorPool, type ExtractorPool } from '../../src/extractors/pool.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = path.resolve(projectRoot, '../shared/corpus');
const manifest = path.join(corpus, 'MANIFEST.tsv');
const present = existsSync(manifest);
if (!present) process.stderr.write(`extract corpus suite SKIPPED: ${manifest} not found\n`);

/**
 * Where this project's outcome knowingly differs from the manifest, and why. Both documents are
 * still handled safely and consistently; the reviewer should see the list, not a silent pass.
 */
const DEVIATIONS: Record<string, { accept: string[]; why: string }> = {
  'pdf/Brotli-Prototype-FileA.pdf': { accept: ['ok'], why: 'pdfjs-dist 5.6 (our override) decodes BrotliDecode streams' },
  'pdf/bomb_giant.pdf': { accept: ['ok', 'NO_TEXT'], why: 'pdfjs-dist ≥ 5.4.624 parses it in ~0.1 s; the bound is asserted below' },
  'docx/mammoth_tiny-picture.docx': { accept: ['NO_TEXT'], why: 'the document is a single picture: no text at all' },
  'docx/pydocx_tbl-having-tables.docx': { accept: ['NO_TEXT'], why: 'its nested tables are all empty cells' },
};

/** Deviations of one engine only. */
const ENGINE_DEVIATIONS: Record<PdfEngine, typeof DEVIATIONS> = {
  pdfium: {
    'pdf/Pages-tree-refs.pdf': { accept: ['ok'], why: 'PDFium, like pdftotext, reads both pages past the repeated page-tree reference (same text as pdftotext)' },
  },
  'pdf.js': {},
};

type Row = { file: string; expect: string };

function rows(): Row[] {
  const [header, ...lines] = readFileSync(manifest, 'utf8').trim().split('\n');
  const cols = (header ?? '').split('\t');
  const at = (name: string) => cols.indexOf(name);
  return lines.map((line) => {
    const cells = line.split('\t');
    return { file: cells[at('path')] ?? '', expect: cells[at('expect')] ?? '' };
  });
}

/** "ENCRYPTED or ok (...)" → ['ENCRYPTED', 'ok']; "any outcome..." → undefined (anything). */
function acceptedOutcomes(expectation: string): string[] | undefined {
  if (/^any outcome/i.test(expectation)) return undefined;
  // Outcomes named outside parentheses: "ok if decoded…, else UNSUPPORTED_ENCODING; never…".
  const words = expectation.replace(/\([^)]*\)/g, ' ').match(/\b(ok|[A-Z_]{4,})\b/g) ?? [];
  return words.filter((w) => w === 'ok' || (REJECT_REASONS as readonly string[]).includes(w));
}

const TIMEOUT_MS = 30_000;

describe.skipIf(!present).each(PDF_ENGINES)('extract corpus (MANIFEST.tsv), PDF engine %s', (pdfEngine) => {
  let pool: ExtractorPool;
  beforeAll(() => {
    pool = createExtractorPool({ workers: 2, log: pino({ level: 'silent' }), taskTimeoutMs: TIMEOUT_MS, maxWorkerMemoryMb: 1024, pdfEngine });
  });
  afterAll(async () => pool?.close());

  const all = present ? rows() : [];
  const table = pdfEngine === 'pdfium' ? all : all.filter((r) => r.file.startsWith('pdf/'));
  it.each(table)('$file → $expect', async ({ file, expect: expectation }) => {
    const r: Extraction = await pool.extract(path.join(corpus, file));
    const outcome = r.ok ? 'ok' : r.reason;
    const deviation = ENGINE_DEVIATIONS[pdfEngine][file] ?? DEVIATIONS[file];
    const accepted = acceptedOutcomes(expectation);
    if (accepted) expect([...accepted, ...(deviation?.accept ?? [])], r.ok ? 'ok' : `${r.reason}: ${r.detail}`).toContain(outcome);
    if (/without U\+FFFD/.test(expectation) && r.ok) expect(r.text).not.toContain('\uFFFD');
    if (/mojibake/.test(expectation) && r.ok) expect(r.text).toMatch(/[A-Za-z]{4,} [A-Za-z]{3,}/);
    if (r.ok) expect(r.chars).toBeGreaterThan(0);
    // File mode's early-exit validation must reach the same verdict on the same bytes.
    const v = await pool.validate(path.join(corpus, file));
    expect(v.ok ? 'ok' : v.reason, v.ok ? 'validated ok' : `${v.reason}: ${v.detail}`).toBe(outcome);
    if (r.sha256 !== undefined) expect(v.sha256).toBe(r.sha256);
  }, 2 * TIMEOUT_MS + 10_000);

  it('stays within the worker memory bound and keeps the test process healthy', () => {
    expect(pool.stats().peakWorkerRssBytes).toBeLessThan(1.5 * 1024 ** 3);
    expect(process.memoryUsage().rss).toBeLessThan(1024 ** 3);
  });
});
