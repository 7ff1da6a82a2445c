/**
 * The PDF engines through the production worker pool (`extraction.pdfEngine`): PDFium reads the
 * text in the worker, pdf.js takes over when PDFium finds none (a BrotliDecode content stream,
 * which pdf.js 5.6 decodes and PDFium does not) and says so in the warnings, and both engines
 * give encrypted, truncated and blank PDFs the same reason codes, in extraction and validation.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loremLines, writePdf } from '../../bench/support/pdf-writer.js';
import { PDF_ENGINES, type PdfEngine } from '../../src/extractors/pdf-engine.js';
import { createExtractorPool, type ExtractorPool } from '../../src/extractors/pool.js';
import { warmPool } from '../support/warm-pool.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/extract');
const log = pino({ level: 'silent' });
const pools = new Map<PdfEngine, ExtractorPool>();
let tmp: string;
const pool = (engine: PdfEngine) => pools.get(engine) as ExtractorPool;

beforeAll(async () => {
  for (const engine of PDF_ENGINES) pools.set(engine, await warmPool({ workers: 1, log, taskTimeoutMs: 20_000, pdfEngine: engine }));
  tmp = await mkdtemp(path.join(tmpdir(), 'pdf-engines-'));
}, 120_000);

afterAll(async () => {
  await Promise.all([...pools.values()].map((p) => p.close()));
  await rm(tmp, { recursive: true, force: true });
});

describe('PDF engines in the worker pool', () => {
  it('PDFium reads a text PDF in the worker, with the same text as pdf.js and no fallback', async () => {
    const lines = loremLines(5, 3);
    const file = path.join(tmp, 'plain.pdf');
    await writeFile(file, writePdf({ pages: [lines, loremLines(4, 9)], title: 'Engine check' }));
    const [pdfium, pdfjs] = await Promise.all([pool('pdfium').extract(file), pool('pdf.js').extract(file)]);
    if (!pdfium.ok || !pdfjs.ok) throw new Error(`expected ok, got ${JSON.stringify([pdfium, pdfjs])}`);
    expect(pdfium.text).toContain(lines[0]);
    expect(pdfium.pages).toBe(2);
    expect(pdfium.title).toBe('Engine check');
    expect(pdfium.warnings.filter((w) => w.includes('read with pdf.js'))).toEqual([]);
    expect(pdfium.text.split(/\s+/)).toEqual(pdfjs.text.split(/\s+/));
  });

  it('falls back to pdf.js when PDFium finds no text, and says so; validation agrees', async () => {
    const lines = loremLines(3, 5);
    const file = path.join(tmp, 'brotli.pdf');
    await writeFile(file, writePdf({ pages: [lines], brotliContent: true }));
    const extracted = await pool('pdfium').extract(file);
    if (!extracted.ok) throw new Error(`expected ok, got ${extracted.reason}: ${extracted.detail}`);
    expect(extracted.text).toContain(lines[0]);
    expect(extracted.warnings).toContain('PDFium found no text; read with pdf.js');
    const validated = await pool('pdfium').validate(file);
    expect(validated.ok).toBe(true);
    expect(validated.warnings).toContain('PDFium found no text; read with pdf.js');
  });

  it.each([
    ['encrypted.pdf', 'ENCRYPTED'],
    ['truncated.pdf', 'CORRUPT'],
    ['blank.pdf', 'NO_TEXT'],
    ['docx-named.pdf', 'TYPE_MISMATCH'],
  ])('%s gives %s with either engine, extracted and validated', async (name, reason) => {
    const file = path.join(fixtures, name);
    for (const engine of PDF_ENGINES) {
      const [extracted, validated] = [await pool(engine).extract(file), await pool(engine).validate(file)];
      expect([engine, extracted.ok ? 'ok' : extracted.reason]).toEqual([engine, reason]);
      expect([engine, validated.ok ? 'ok' : validated.reason]).toEqual([engine, reason]);
    }
  });

  it('a PDF corrupt to both engines keeps pdf.js\'s reason and detail', async () => {
    const file = path.join(tmp, 'garbage.pdf');
    await writeFile(file, Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4096, 0x41)]));
    const [pdfium, pdfjs] = await Promise.all([pool('pdfium').extract(file), pool('pdf.js').extract(file)]);
    expect(pdfium.ok ? 'ok' : pdfium.reason).toBe(pdfjs.ok ? 'ok' : pdfjs.reason);
    if (!pdfium.ok && !pdfjs.ok) expect(pdfium.detail).toBe(pdfjs.detail);
  });

  it('refuses an unknown engine by name', () => {
    expect(() => createExtractorPool({ log, pdfEngine: 'mupdf' as PdfEngine })).toThrow(/pdfEngine.*pdfium, pdf\.js/);
  });
});
