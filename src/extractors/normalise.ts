/**
 * The canonical form of extracted text, so the same content hashes the same whatever the file
 * format or line endings: NFC, LF line ends, no trailing spaces, at most one blank line in a row.
 */
import { createHash } from 'node:crypto';

// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/g;

export function normaliseText(raw: string): string {
  return raw
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROLS, '')
    .normalize('NFC')
    .replace(/[ \t\f\v\u00a0]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * True when the text holds at least one letter or digit: separators alone are not text. Raw or
 * normalised, the answer is the same (normalising drops controls and composes characters; it never
 * adds or removes a letter or digit), so raw text needs no throw-away normalise first.
 */
export function hasText(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

export function countCodePoints(text: string): number {
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
