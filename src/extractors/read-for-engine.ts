/**
 * readOnce for an extractor: a PDF that PDFium will read is read (and hashed) straight into
 * PDFium's heap, so PDFium opens it in place: no copy of the file and no second buffer of its size
 * (a 45 MB PDF: ~30 ms instead of ~300 ms of CPU for read, hash and copy). Anything else is read
 * into a Buffer of its own. The heap region lives while `use` runs and is freed after, whatever
 * `use` returns or throws.
 */
import { kindForPath } from './detect.js';
import type { Rejected } from './extraction.js';
import type { PdfEngine, PdfInput } from './pdf-engine.js';
import { loadPdfium, PdfiumBytes, reservePdfiumBytes } from './pdfium-runtime.js';
import { readOnce, type ExpectedFile, type FileIdentity } from './read-once.js';

export type EngineRead = {
  /** For the PDF engines: the Buffer, or the region of PDFium's heap holding the bytes. */
  input: PdfInput;
  /**
   * The bytes, as a view taken now: one taken before an await may be empty by then (PDFium's
   * heap grows by replacing its buffer).
   */
  view(): Uint8Array;
  sha256: string;
  identity: FileIdentity;
};

export async function readForEngine<T>(
  filePath: string,
  maxFileBytes: number,
  expected: ExpectedFile | undefined,
  engine: PdfEngine,
  use: (read: EngineRead) => Promise<T>,
): Promise<T | Rejected> {
  let region: PdfiumBytes | undefined;
  const inPdfium = engine === 'pdfium' && kindForPath(filePath) === 'pdf';
  if (inPdfium) await loadPdfium();
  try {
    const read = await readOnce(filePath, maxFileBytes, expected, inPdfium ? (size) => (region = reservePdfiumBytes(size))?.bytes : undefined);
    if (!read.ok) return read;
    const held = region as PdfiumBytes | undefined;
    const buffer = read.bytes;
    return await use({
      input: held ?? bufferOf(buffer),
      view: () => held?.bytes ?? buffer,
      sha256: read.sha256,
      identity: read.identity,
    });
  } finally {
    (region as PdfiumBytes | undefined)?.free();
  }
}

/** The bytes as a Buffer, for the parsers of every other format (never PDFium's heap). */
export function bufferOf(input: PdfInput): Buffer {
  if (input instanceof PdfiumBytes) throw new Error('only a PDF is read into PDFium\'s heap');
  return Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}
