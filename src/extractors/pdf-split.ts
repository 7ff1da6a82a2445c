/**
 * Page-parallel PDF extraction, the pure half: when a PDF is worth splitting, how its pages are
 * cut into ranges, and how the parts' texts become one Extraction. Parts are joined exactly as
 * one worker joins pages ('\n\n') and normalised so that the join gives what normalising the
 * whole gives, so a split file has the same text, hash and length.
 */
import type { Extraction, Rejected } from './extraction.js';
import { finishCanonical } from './finish-extraction.js';
import { joinNormalised } from './normalise.js';
import type { PdfRange } from './pdf.js';
import type { FileIdentity } from './read-once.js';

/** A PDF is split when it has at least `minBytes` bytes and `minPages` pages. */
export type SplitRule = { minBytes: number; minPages: number };

export const DEFAULT_SPLIT_RULE: Readonly<SplitRule> = Object.freeze({ minBytes: 2 * 1024 * 1024, minPages: 50 });

/** Fewer pages than this per part and the extra document opens cost more than they save. */
export const MIN_PAGES_PER_PART = 16;

export type PdfSplitPlan = {
  type: 'pdf-split';
  kind: 'pdf';
  bytes: number;
  sha256: string;
  identity: FileIdentity;
  pages: number;
  title?: string;
};

/**
 * What a worker returns for one range: the text of its pages through normalisePart (normalised in
 * the workers, in parallel, rather than all at once in the pool's process), and the
 * engine's own warnings (e.g. that pdf.js read the range because PDFium found no text in it).
 */
export type PdfPartResult = { ok: true; text: string; warnings?: string[] } | Rejected;

export function isSplitPlan(value: unknown): value is PdfSplitPlan {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'pdf-split';
}

/** Contiguous ranges of near-equal size, in page order; never more parts than MIN_PAGES_PER_PART allows. */
export function planRanges(pages: number, parts: number): PdfRange[] {
  const count = Math.max(1, Math.min(Math.floor(parts), Math.floor(pages / MIN_PAGES_PER_PART)));
  const ranges: PdfRange[] = [];
  let first = 1;
  for (let i = 0; i < count; i++) {
    const size = Math.floor(pages / count) + (i < pages % count ? 1 : 0);
    ranges.push({ first, last: first + size - 1 });
    first += size;
  }
  return ranges;
}

/** The parts' texts (each already through normalisePart) as one Extraction. */
export function joinParts(plan: PdfSplitPlan, texts: readonly string[], warnings: string[]): Extraction {
  return finishCanonical(
    { kind: 'pdf', bytes: plan.bytes, sha256: plan.sha256 },
    { text: joinNormalised(texts), pages: plan.pages, warnings, ...(plan.title ? { title: plan.title } : {}) },
  );
}

/** A failed part fails the file; the file's facts stay attached as for a whole-file rejection. */
export function partFailure(plan: PdfSplitPlan, rejected: Rejected): Rejected {
  return { ...rejected, kind: 'pdf', bytes: plan.bytes, sha256: plan.sha256 };
}
