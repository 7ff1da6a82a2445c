/**
 * Page-parallel PDF extraction, the worker half: read the file again, make sure it is the very
 * file that was planned (same hash), and extract one page range of it.
 */
import { extractPdfText, type PdfEngine } from './pdf-engine.js';
import type { PdfRange } from './pdf.js';
import type { PdfPartResult } from './pdf-split.js';
import { readOnce, unstable, type ExpectedFile } from './read-once.js';

export async function extractPdfPart(
  filePath: string,
  range: PdfRange,
  sha256: string,
  maxFileBytes: number,
  expected: ExpectedFile | undefined,
  engine: PdfEngine,
): Promise<PdfPartResult> {
  const read = await readOnce(filePath, maxFileBytes, expected);
  if (!read.ok) return read;
  if (read.sha256 !== sha256) return unstable();
  const pdf = await extractPdfText(read.bytes, { range, consume: true }, engine);
  if (!pdf.ok) return pdf;
  if (pdf.split) return { ok: true, text: '' };
  return { ok: true, text: pdf.text, ...(pdf.warnings?.length ? { warnings: pdf.warnings } : {}) };
}
