/**
 * The text hash of every recorded document is the hash of normaliseText's output, so a faster
 * normaliseText must give the same text for every input as the one it replaced, and a split PDF's
 * parts normalised one by one must join to the same text as the whole. The previous
 * implementation is kept here, verbatim, as the reference.
 */
import { describe, expect, it } from 'vitest';
import { countCodePoints, joinNormalised, normalisePart, normaliseText } from '../../src/extractors/normalise.js';

// eslint-disable-next-line no-control-regex -- the reference strips control characters
const CONTROLS = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/g;

function reference(raw: string): string {
  return raw
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROLS, '')
    .normalize('NFC')
    .replace(/[ \t\f\v\u00a0]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Pieces that meet at line ends, blank runs, compositions and the ends of a text. */
const ALPHABET = [
  'a', 'e', 'A', ' ', ' ', '\t', '\u00a0', '\f', '\v', '\r', '\n', '\n', '\r\n', '\u0001', '\u001f', '\u007f',
  '\uFEFF', '\u0301', '\u0300', '\u0327', 'é', 'Å', '\u212B', '\u2126', '\u0340', '\u1100', '\u1161', '\u11A8', '\uAC00',
  '\u0915', '\u093C', '\uF900', '\u2028', '\u0085', '\u3000', '\uD83C\uDF89', 'ÿ', '\u02FF',
];

/** A small deterministic generator (mulberry32): the same cases on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function text(next: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return s;
}

describe('normaliseText against the reference', () => {
  it('gives the same text for 20,000 generated inputs', () => {
    const next = random(12);
    for (let i = 0; i < 20_000; i++) {
      const raw = text(next, Math.floor(next() * 40));
      expect(normaliseText(raw), JSON.stringify(raw)).toBe(reference(raw));
    }
  });

  it('gives, for parts normalised apart and joined, the text of the whole (page ranges of a split PDF)', () => {
    const next = random(34);
    for (let i = 0; i < 20_000; i++) {
      const parts = Array.from({ length: 1 + Math.floor(next() * 4) }, () => text(next, Math.floor(next() * 16)));
      expect(joinNormalised(parts.map(normalisePart)), JSON.stringify(parts)).toBe(reference(parts.join('\n\n')));
    }
  });

  it('may skip NFC below U+0300: no character or pair of characters there changes under NFC', () => {
    const below = Array.from({ length: 0x300 }, (_, c) => String.fromCharCode(c));
    const changed = below.flatMap((c) => below.filter((d) => (c + d).normalize('NFC') !== c + d).map((d) => c + d));
    expect(changed).toEqual([]);
  });

  it('counts code points as the loop over every unit did, with and without surrogates', () => {
    const loop = (t: string) => Array.from({ length: t.length }, (_, i) => t.charCodeAt(i)).filter((c) => c < 0xdc00 || c > 0xdfff).length;
    const next = random(56);
    for (let i = 0; i < 5_000; i++) {
      const raw = text(next, Math.floor(next() * 20)) + (i % 3 === 0 ? '\uDC00' : '');
      expect(countCodePoints(raw), JSON.stringify(raw)).toBe(loop(raw));
    }
  });

  it('keeps the documented examples', () => {
    expect(normaliseText('\uFEFFa  \r\nb\r\n\r\n\r\n\r\ne\u0301')).toBe('a\nb\n\né');
    expect(joinNormalised(['  x \r', '', '\u0301y'].map(normalisePart))).toBe(reference('  x \r\n\n\n\n\u0301y'));
  });
});
