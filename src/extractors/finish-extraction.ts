/**
 * The last, pure step of every extraction: raw parser text becomes the canonical text with its
 * hash and length, or NO_TEXT. Shared by a worker extracting a whole file and by the pool joining
 * the parts of a page-parallel PDF (each part normalised by its worker, normalise.ts's
 * normalisePart and joinNormalised), so both give byte-identical results.
 */
import { reject, type DocumentKind, type Extraction } from './extraction.js';
import { countCodePoints, hasText, normaliseText, sha256Hex } from './normalise.js';

export type Parsed = { text: string; pages?: number; title?: string; encoding?: string; warnings: string[] };

export type FileFacts = { kind: DocumentKind; bytes: number; sha256: string };

export function finishExtraction(facts: FileFacts, parsed: Parsed): Extraction {
  return finishCanonical(facts, { ...parsed, text: normaliseText(parsed.text) });
}

/** finishExtraction for a text already in canonical form (a split PDF's parts, joined). */
export function finishCanonical(facts: FileFacts, parsed: Parsed): Extraction {
  const text = parsed.text;
  const base = { ...facts, ...(parsed.pages !== undefined ? { pages: parsed.pages } : {}) };
  if (!hasText(text)) {
    return reject('NO_TEXT', noTextDetail(facts.kind), { ...base, warnings: parsed.warnings });
  }
  return {
    ok: true,
    ...base,
    text,
    textHash: sha256Hex(text),
    chars: countCodePoints(text),
    ...(parsed.title ? { title: parsed.title } : {}),
    ...(parsed.encoding ? { encoding: parsed.encoding } : {}),
    warnings: parsed.warnings,
  };
}

export function noTextDetail(kind: DocumentKind): string {
  return kind === 'pdf'
    ? 'the PDF has no text layer (a scan or blank pages); run OCR on it, or upload in file mode and let Sensay read it'
    : `the ${kind.toUpperCase()} contains no text; add content or exclude it`;
}
