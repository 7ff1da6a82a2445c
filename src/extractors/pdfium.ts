/**
 * PDF text and early-exit validation with PDFium (see pdfium-runtime.ts). Same shapes as the
 * pdf.js path (pdf.ts, validate-pdf.ts) so the engine choice (pdf-engine.ts) is one switch.
 * A page PDFium cannot load gives no text rather than failing the document, as pdftotext does.
 */
import type { Rejected } from './extraction.js';
import { hasText } from './normalise.js';
import type { PdfOptions, PdfSplit, PdfText } from './pdf.js';
import { openPdfium, type PdfiumBytes, type PdfiumDocument } from './pdfium-runtime.js';
import { validationPageOrder, type PdfValidation } from './validate-pdf.js';

export async function extractPdfium(bytes: Uint8Array | PdfiumBytes, options: PdfOptions = {}): Promise<PdfText | PdfSplit | Rejected> {
  return withDocument(bytes, (doc) => {
    const total = doc.pages;
    const title = options.range ? '' : doc.title();
    const named = title ? { title } : {};
    if (options.splitIf?.(total)) return { ok: true, split: true, pages: total, ...named };
    const first = Math.max(1, options.range?.first ?? 1);
    const last = Math.min(total, options.range?.last ?? total);
    const texts: string[] = [];
    for (let page = first; page <= last; page++) texts.push(doc.pageText(page - 1));
    // Pages are joined as the pdf.js path joins them, so a split file's parts join the same way.
    return { ok: true, text: texts.join('\n\n'), pages: total, ...named };
  });
}

/** Pages in validationPageOrder until one holds text; `textPage` null when none does. */
export async function validatePdfium(bytes: Uint8Array | PdfiumBytes): Promise<PdfValidation> {
  return withDocument(bytes, (doc) => {
    for (const page of validationPageOrder(doc.pages)) {
      if (hasText(doc.pageText(page - 1))) return { ok: true, pages: doc.pages, textPage: page };
    }
    return { ok: true, pages: doc.pages, textPage: null };
  });
}

async function withDocument<T>(bytes: Uint8Array | PdfiumBytes, work: (doc: PdfiumDocument) => T): Promise<T | Rejected> {
  const doc = await openPdfium(bytes);
  if ('ok' in doc) return doc;
  try {
    return work(doc);
  } finally {
    doc.close();
  }
}
