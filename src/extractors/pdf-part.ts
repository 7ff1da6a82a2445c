/**
 * Page-parallel PDF extraction, the worker half: read the file again (into PDFium's heap when
 * PDFium reads it), make sure it is the very file that was planned (same hash), extract one
 * page range of it and normalise that text (normalisePart) here, in parallel with the other parts.
 */
import { normalisePart } from './normalise.js';
import { extractPdfText, type PdfEngine } from './pdf-engine.js';
import type { PdfRange } from './pdf.js';
import type { PdfPartResult } from './pdf-split.js';
import { readForEngine } from './read-for-engine.js';
import { unstable, type ExpectedFile } from './read-once.js';

export async function extractPdfPart(
  filePath: string,
  range: PdfRange,
  sha256: string,
  maxFileBytes: number,
  expected: ExpectedFile | undefined,
  engine: PdfEngine,
): Promise<PdfPartResult> {
  return readForEngine(filePath, maxFileBytes, expected, engine, async (read) => {
    if (read.sha256 !== sha256) return unstable();
    return partText(await extractPdfText(read.input, { range, consume: true }, engine));
  });
}

function partText(pdf: Awaited<ReturnType<typeof extractPdfText>>): PdfPartResult {
  if (!pdf.ok) return pdf;
  if (pdf.split) return { ok: true, text: '' };
  return { ok: true, text: normalisePart(pdf.text), ...(pdf.warnings?.length ? { warnings: pdf.warnings } : {}) };
}
