/**
 * Which engine reads a PDF's text. `pdfium` (the default, bench/pdf-engines.ts has the numbers):
 * PDFium first, and pdf-parse (pdf.js) whenever PDFium fails on the file, traps, or finds no
 * text, so a file pdf.js reads is never rejected because of PDFium, and a file both refuse gets
 * pdf.js's verdict and reason code, as before. `pdf.js`: pdf-parse only.
 * Validation follows the same rule, so it keeps giving the verdict full extraction gives.
 */
import { reject, type Rejected } from './extraction.js';
import { hasText } from './normalise.js';
import { extractPdf, type PdfOptions, type PdfSplit, type PdfText } from './pdf.js';
import { extractPdfium, validatePdfium } from './pdfium.js';
import { discardPdfium, PdfiumBytes } from './pdfium-runtime.js';
import { validatePdf, type PdfValidation } from './validate-pdf.js';

export const PDF_ENGINES = ['pdfium', 'pdf.js'] as const;
export type PdfEngine = (typeof PDF_ENGINES)[number];
export const DEFAULT_PDF_ENGINE: PdfEngine = 'pdfium';

/**
 * The bytes may already sit in PDFium's heap (PdfiumBytes, still the caller's to free): PDFium reads
 * them in place, and pdf.js, which may detach what it is given, gets a copy.
 */
export type PdfInput = Uint8Array | PdfiumBytes;

export async function extractPdfText(bytes: PdfInput, options: PdfOptions, engine: PdfEngine): Promise<PdfText | PdfSplit | Rejected> {
  if (engine === 'pdfium') {
    // PDFium reads the bytes without changing them: they are still whole for the fallback.
    const pdfium = await trapped(() => extractPdfium(bytes, options));
    if (pdfium.ok && (pdfium.split || hasText(pdfium.text))) return pdfium;
    const fallback = await extractPdf(forPdfjs(bytes), options);
    return fallback.ok && !fallback.split ? { ...fallback, warnings: [fellBack(pdfium)] } : fallback;
  }
  return extractPdf(forPdfjs(bytes), options);
}

export async function validatePdfText(bytes: PdfInput, options: { consume?: boolean }, engine: PdfEngine): Promise<PdfValidation> {
  if (engine === 'pdfium') {
    const pdfium = await trapped(() => validatePdfium(bytes));
    if (pdfium.ok && pdfium.textPage !== null) return pdfium;
    const fallback = await validatePdf(forPdfjs(bytes), options);
    return fallback.ok ? { ...fallback, warnings: [fellBack(pdfium)] } : fallback;
  }
  return validatePdf(forPdfjs(bytes), options);
}

function forPdfjs(bytes: PdfInput): Uint8Array {
  return bytes instanceof PdfiumBytes ? bytes.copy() : bytes;
}

/** Said with the fallback's text: which engine read the file, and why. */
function fellBack(pdfium: { ok: true } | Rejected): string {
  return pdfium.ok ? 'PDFium found no text; read with pdf.js' : `${pdfium.detail.replace(/; [^;]*$/, '')}; read with pdf.js`;
}

/**
 * A WebAssembly trap (heap exhausted, an abort inside PDFium) is PDFium's failure on this file:
 * the instance is dropped (the next file gets a fresh one) and the caller falls back.
 */
async function trapped<T>(work: () => Promise<T | Rejected>): Promise<T | Rejected> {
  try {
    return await work();
  } catch (error) {
    discardPdfium();
    const message = error instanceof Error ? error.message : String(error);
    return reject('CORRUPT', `PDFium failed on the file (${message.replace(/\s+/g, ' ').slice(0, 120)})`);
  }
}
