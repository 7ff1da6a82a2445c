/**
 * A PDF validated with early exit: the document is opened (structure, encryption) and pages are
 * read one at a time until one holds text. The first pages go first, then the last page (a
 * truncated or damaged tail fails here as it would fail a full extraction), then pages spread
 * over the document by halving, so a long scan whose text layer starts on page 300 is found after
 * a few dozen pages. Only a PDF without text on any page is read to the end: NO_TEXT is the same
 * verdict full extraction gives, never a guess.
 */
import type { Rejected } from './extraction.js';
import { hasText } from './normalise.js';
import { classifyPdfError, openPdfParser } from './pdf.js';

/** `textPage` null: no page holds text (NO_TEXT, decided by the caller as for an extraction). */
export type PdfValidation = { ok: true; pages: number; textPage: number | null; warnings?: string[] } | Rejected;

/** How many leading pages are read before the last page and the spread samples. */
export const LEADING_PAGES = 3;

export async function validatePdf(bytes: Uint8Array, options: { consume?: boolean } = {}): Promise<PdfValidation> {
  const parser = await openPdfParser(bytes, options.consume === true);
  try {
    // Opening the document and reading page 1 is one call: it throws for broken or encrypted files.
    const first = await parser.getText({ pageJoiner: '', partial: [1] });
    const total = first.total;
    let textPage = first.pages.some((p) => hasText(p.text)) ? 1 : 0;
    for (const page of validationPageOrder(total)) {
      if (page === 1) continue;
      // Once text is found, only the last page is still read (the tail must parse too).
      if (textPage > 0 && page !== total) continue;
      const read = await parser.getText({ pageJoiner: '', partial: [page] });
      if (textPage === 0 && read.pages.some((p) => hasText(p.text))) textPage = page;
      if (textPage > 0 && page === total) break;
    }
    return { ok: true, pages: total, textPage: textPage > 0 ? textPage : null };
  } catch (error) {
    return classifyPdfError(error);
  } finally {
    await parser.destroy().catch(() => undefined);
  }
}

/**
 * Every page from 1 to `total` exactly once: the first LEADING_PAGES, the last page, then the
 * rest spread out breadth-first by halving (the middle, then the quarters, …), so that text
 * anywhere in a long document is met after a number of reads that grows with log(total).
 */
export function* validationPageOrder(total: number): Generator<number> {
  if (total < 1) return;
  const lead = Math.min(LEADING_PAGES, total);
  for (let page = 1; page <= lead; page++) yield page;
  if (total > lead) yield total;
  // Open intervals of pages not yet yielded, visited breadth-first.
  let level: Array<[number, number]> = [[lead + 1, total - 1]];
  while (level.length > 0) {
    const next: Array<[number, number]> = [];
    for (const [lo, hi] of level) {
      if (lo > hi) continue;
      const mid = Math.floor((lo + hi) / 2);
      yield mid;
      next.push([lo, mid - 1], [mid + 1, hi]);
    }
    level = next;
  }
}
