/**
 * Token-level agreement of two extractions of one document: F1 over the bags of whitespace-split
 * tokens (NFKC, case kept), so word order and line breaks do not count, missing or extra words do.
 */
import { spawnSync } from 'node:child_process';

export function tokenF1(ours: string, reference: string): number {
  const a = bag(ours);
  const b = bag(reference);
  const sizeA = total(a);
  const sizeB = total(b);
  if (sizeA === 0 && sizeB === 0) return 1;
  if (sizeA === 0 || sizeB === 0) return 0;
  let overlap = 0;
  for (const [token, n] of a) overlap += Math.min(n, b.get(token) ?? 0);
  const precision = overlap / sizeA;
  const recall = overlap / sizeB;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/** pdftotext's UTF-8 text of `file` ('' when it reads none). */
export function pdftotextText(file: string): string {
  return spawnSync('pdftotext', ['-q', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 }).stdout ?? '';
}

/**
 * Mean token F1 against pdftotext over the PDFs where pdftotext finds any token; a file we did
 * not read (no text) scores 0. `texts` maps a file to our text, or undefined.
 */
export function agreement(pdfs: string[], texts: Map<string, { ok: boolean; text?: string } | undefined>): { f1: number; files: number; perFile: Map<string, number> } {
  const perFile = new Map<string, number>();
  for (const file of pdfs) {
    const reference = pdftotextText(file);
    if (tokenCount(reference) === 0) continue;
    const ours = texts.get(file);
    perFile.set(file, ours?.ok && ours.text !== undefined ? tokenF1(ours.text, reference) : 0);
  }
  const scores = [...perFile.values()];
  return { f1: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : Number.NaN, files: scores.length, perFile };
}

export function tokenCount(text: string): number {
  return total(bag(text));
}

function bag(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of text.normalize('NFKC').split(/\s+/u)) {
    if (token) counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  return counts;
}

function total(counts: Map<string, number>): number {
  let n = 0;
  for (const v of counts.values()) n += v;
  return n;
}
