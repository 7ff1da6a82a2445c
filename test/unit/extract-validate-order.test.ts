import { describe, expect, it } from 'vitest';
import { TextRunScanner } from '../../src/extractors/validate-docx.js';
import { LEADING_PAGES, validationPageOrder } from '../../src/extractors/validate-pdf.js';

describe('validationPageOrder', () => {
  it.each([0, 1, 2, 3, 4, 5, 17, 300, 7569])('visits each of %i pages exactly once', (total) => {
    const order = [...validationPageOrder(total)];
    expect(order).toHaveLength(total);
    expect(new Set(order).size).toBe(total);
    expect(order.every((p) => p >= 1 && p <= total)).toBe(true);
  });

  it('reads the first pages, then the last, then spreads out by halving', () => {
    const order = [...validationPageOrder(1000)];
    expect(order.slice(0, LEADING_PAGES + 1)).toEqual([1, 2, 3, 1000]);
    expect(order[LEADING_PAGES + 1]).toBe(501);
    // Text anywhere in 7,569 pages is within ~64 pages of some page read in the first 256 reads.
    const early = [...validationPageOrder(7569)].slice(0, 256).sort((a, b) => a - b);
    const gaps = early.slice(1).map((p, i) => p - (early[i] as number));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(64);
  });
});

describe('TextRunScanner', () => {
  it('finds a text run cut across chunks, and ignores runs of only spaces and punctuation', () => {
    const scanner = new TextRunScanner();
    expect(scanner.push('<w:body><w:p><w:r><w:t xml:space="preserve">  </w:t><w:t>–</w:t><w:t xml:sp')).toBe(false);
    expect(scanner.push('ace="preserve">  He')).toBe(false);
    expect(scanner.push('llo</w:t></w:r>')).toBe(true);
  });

  it('decodes character references and ignores other elements', () => {
    expect(new TextRunScanner().push('<w:tbl><w:tc><w:instrText>PAGE 1</w:instrText></w:tc>')).toBe(false);
    expect(new TextRunScanner().push('<w:t>&#65;</w:t>')).toBe(true);
    expect(new TextRunScanner().push('<w:t>&amp;&lt;</w:t>')).toBe(false);
  });
});
