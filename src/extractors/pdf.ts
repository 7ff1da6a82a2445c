/**
 * PDF text with pdf-parse 2 (pdf.js). Eval is off (CVE-2024-4367); CMap and standard-font data
 * are wired to the bundled pdfjs-dist so CJK PDFs with predefined CMaps do not come out empty.
 * pdf.js has no time or memory bound of its own: the worker pool supplies both.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { reject, type Rejected } from './extraction.js';

export type PdfText = { ok: true; text: string; pages: number; title?: string };

export type PdfRange = { first: number; last: number };

type PdfParseModule = typeof import('pdf-parse');

let loaded: Promise<PdfParseModule> | undefined;

/** Loads pdf-parse once per process; workers call this at start-up to pay the cost early. */
export function loadPdfParse(): Promise<PdfParseModule> {
  loaded ??= import('pdf-parse');
  return loaded;
}

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

export async function extractPdf(bytes: Uint8Array, range?: PdfRange): Promise<PdfText | Rejected> {
  const { PDFParse } = await loadPdfParse();
  const parser = new PDFParse({
    // pdf.js may transfer (detach) the buffer it is given; the caller still needs its bytes.
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    cMapUrl: PDFJS_DATA.cMapUrl,
    cMapPacked: true,
    standardFontDataUrl: PDFJS_DATA.standardFontDataUrl,
    verbosity: WARNINGS,
  });
  try {
    const info = range ? undefined : await parser.getInfo();
    const result = await parser.getText({ pageJoiner: '', ...(range ?? {}) });
    const text = result.pages.map((p) => p.text).join('\n\n');
    const title = typeof info?.info?.Title === 'string' ? info.info.Title.trim() : '';
    return { ok: true, text, pages: result.total, ...(title ? { title } : {}) };
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
