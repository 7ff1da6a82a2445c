/**
 * The canonical form of extracted text, so the same content hashes the same whatever the file
 * format or line endings: NFC, LF line ends, no control characters, no trailing spaces, at most
 * one blank line in a row, no white space at either end. The text hash of every recorded document
 * depends on it: a change here must give the same text for every input (see
 * test/unit/normalise-equivalence.test.ts).
 */
import { createHash } from 'node:crypto';

// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/g;
/** The same set, to test for without replacing (a global regex's test() keeps state). */
const HAS_CONTROL = new RegExp(CONTROLS.source);
/**
 * NFC changes nothing in a text without a character from U+0300 on: combining marks, the
 * singletons NFC replaces (U+0340, U+212B, CJK compatibility ideographs…) and the second halves of
 * every composition (Hangul jamo, Indic vowel signs) all lie there. Skipping NFC then saves a
 * third of normalising a large Latin text.
 */
const NFC_MAY_CHANGE = /[^\0-\u02ff]/;
const TRAILING_SPACE = /[ \t\f\v\u00a0]+$/gm;
const BLANK_RUNS = /\n{3,}/g;
const LOW_SURROGATE = /[\uDC00-\uDFFF]/;

/**
 * The canonical form of a whole text: what normalisePart gives, trimmed. Trimming also drops a
 * leading BOM (U+FEFF is white space to String.prototype.trim).
 */
export function normaliseText(raw: string): string {
  return normalisePart(raw).trim();
}

/**
 * Everything normaliseText does except trimming, for a piece of a text (a page range of a split
 * PDF) normalised where it was extracted: joining pieces with '\n\n' and then joinNormalised gives
 * exactly normaliseText of the raw pieces joined the same way. Every step is local to a line or to
 * a run of newlines, and the join is a run of newlines that joinNormalised collapses again.
 */
export function normalisePart(raw: string): string {
  let text = raw.replace(/\r\n?/g, '\n');
  if (HAS_CONTROL.test(text)) text = text.replace(CONTROLS, '');
  if (NFC_MAY_CHANGE.test(text)) text = text.normalize('NFC');
  return text.replace(TRAILING_SPACE, '').replace(BLANK_RUNS, '\n\n');
}

/** normaliseText of pieces joined with '\n\n', from the pieces' normalisePart. */
export function joinNormalised(parts: readonly string[]): string {
  return parts.join('\n\n').replace(BLANK_RUNS, '\n\n').trim();
}

/**
 * True when the text holds at least one letter or digit: separators alone are not text. Raw or
 * normalised, the answer is the same (normalising drops controls and composes characters; it never
 * adds or removes a letter or digit), so raw text needs no throw-away normalise first.
 */
export function hasText(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/** Code points: UTF-16 units less the low halves of surrogate pairs (none in most texts: no loop). */
export function countCodePoints(text: string): number {
  if (!LOW_SURROGATE.test(text)) return text.length;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
