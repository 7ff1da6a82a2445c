/**
 * PDF text with pdf-parse 2 (pdf.js). Eval is off (CVE-2024-4367); CMap and standard-font data
 * are wired to the bundled pdfjs-dist so CJK PDFs with predefined CMaps do not come out empty.
 * pdf.js has no time or memory bound of its own: the worker pool supplies both.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { reject, type Rejected } from './extraction.js';
import { loadPdfjsRuntime } from './pdfjs-runtime.js';

export type PdfText = { ok: true; split?: undefined; text: string; pages: number; title?: string; warnings?: string[] };

/** Returned instead of text when `splitIf` accepted the page count: the caller fans the pages out. */
export type PdfSplit = { ok: true; split: true; pages: number; title?: string };

/** 1-based, inclusive. */
export type PdfRange = { first: number; last: number };

export type PdfOptions = {
  /** Only these pages; the title is not read then. */
  range?: PdfRange;
  /**
   * The caller no longer needs `bytes`: pdf.js may take (detach) them instead of a 45 MB copy.
   * The caller must have read `bytes.length` before.
   */
  consume?: boolean;
  /** Asked once the page count is known; true stops here with a PdfSplit. */
  splitIf?: (pages: number) => boolean;
};

/** Loads pdf-parse once per process, on first use. */
export const loadPdfParse = loadPdfjsRuntime;

const pdfjsRoot = (() => {
  const require = createRequire(import.meta.url);
  // pdf.js wants plain directory paths ending in a separator, not file:// URLs, in Node.
  return path.dirname(require.resolve('pdfjs-dist/package.json')) + path.sep;
})();

export const PDFJS_DATA = Object.freeze({
  cMapUrl: path.join(pdfjsRoot, 'cmaps') + path.sep,
  standardFontDataUrl: path.join(pdfjsRoot, 'standard_fonts') + path.sep,
});

const WARNINGS = 1;
/** Pages per getText call: bounds what one call holds while still amortising its overhead. */
const PAGES_PER_CHUNK = 64;

type PdfParser = InstanceType<Awaited<ReturnType<typeof loadPdfParse>>['PDFParse']>;

/** A pdf-parse parser over `bytes` with the settings every PDF path uses (eval off, CMaps wired). */
export async function openPdfParser(bytes: Uint8Array, consume: boolean): Promise<PdfParser> {
  const { PDFParse } = await loadPdfParse();
  return new PDFParse({
    // A plain view (not a Buffer, which pdf-parse would copy) when the bytes may be consumed.
    data: consume ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes),
    isEvalSupported: false,
    cMapUrl: PDFJS_DATA.cMapUrl,
    cMapPacked: true,
    standardFontDataUrl: PDFJS_DATA.standardFontDataUrl,
    verbosity: WARNINGS,
  });
}

export async function extractPdf(bytes: Uint8Array, options: PdfOptions = {}): Promise<PdfText | PdfSplit | Rejected> {
  const parser = await openPdfParser(bytes, options.consume === true);
  try {
    const info = await parser.getInfo();
    const total = info.total;
    const title = !options.range && typeof info.info?.Title === 'string' ? info.info.Title.trim() : '';
    if (options.splitIf?.(total)) return { ok: true, split: true, pages: total, ...(title ? { title } : {}) };
    const first = Math.max(1, options.range?.first ?? 1);
    const last = Math.min(total, options.range?.last ?? total);
    const texts: string[] = [];
    for (let from = first; from <= last; from += PAGES_PER_CHUNK) {
      const chunk = await parser.getText({ pageJoiner: '', first: from, last: Math.min(last, from + PAGES_PER_CHUNK - 1) });
      for (const page of chunk.pages) texts.push(page.text);
    }
    return { ok: true, text: texts.join('\n\n'), pages: total, ...(title ? { title } : {}) };
  } catch (error) {
    return classifyPdfError(error);
  } finally {
    await parser.destroy().catch(() => undefined);
  }
}

export function classifyPdfError(error: unknown): Rejected {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'PasswordException') {
    return reject('ENCRYPTED', `the PDF is password-protected (${message}); upload an unprotected copy`);
  }
  return reject('CORRUPT', `the PDF could not be parsed (${oneLine(message)}); re-export or repair it`);
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
