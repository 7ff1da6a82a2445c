/**
 * One file, start to finish, in the current process: stat, size rules, one read (hash and parser
 * see the same bytes), detection, the format's extractor, normalisation, and a re-stat so a file
 * that changed while being read is UNSTABLE rather than half-uploaded. The pool runs this in
 * worker processes; tests and tools may call it directly.
 */
import { decodeText, type Decoded } from './decode-text.js';
import { detect } from './detect.js';
import { extractDocx } from './docx.js';
import { DEFAULT_LIMITS, type DocumentKind, type Extraction, type ExtractLimits, type Rejected } from './extraction.js';
import { finishExtraction, type Parsed } from './finish-extraction.js';
import { declaredCharset, htmlToText } from './html-text.js';
import { DEFAULT_PDF_ENGINE, extractPdfText, type PdfEngine, type PdfInput } from './pdf-engine.js';
import type { PdfSplitPlan, SplitRule } from './pdf-split.js';
import { bufferOf, readForEngine, type EngineRead } from './read-for-engine.js';
import { changedSince, type ExpectedFile } from './read-once.js';

export type ExtractFileHooks = {
  /** Called between the read and the parse; tests use it to change the file under the reader. */
  afterRead?: () => Promise<void>;
};

export async function extractFile(
  filePath: string,
  limits: ExtractLimits = DEFAULT_LIMITS,
  hooks: ExtractFileHooks = {},
): Promise<Extraction> {
  return (await extractFileOrSplit(filePath, limits, undefined, hooks)) as Extraction;
}

/**
 * As extractFile, but a PDF that `rule` finds large enough is not extracted here: the answer is
 * a plan for page-parallel extraction (pages, hash and file identity for the parts to check).
 */
export async function extractFileOrSplit(
  filePath: string,
  limits: ExtractLimits,
  rule: SplitRule | undefined,
  hooks: ExtractFileHooks = {},
  expected?: ExpectedFile,
  engine: PdfEngine = DEFAULT_PDF_ENGINE,
): Promise<Extraction | PdfSplitPlan> {
  return readForEngine(filePath, limits.maxFileBytes, expected, engine, async (read) => {
    await hooks.afterRead?.();
    return extractRead(filePath, read, limits, rule, engine);
  });
}

async function extractRead(filePath: string, read: EngineRead, limits: ExtractLimits, rule: SplitRule | undefined, engine: PdfEngine): Promise<Extraction | PdfSplitPlan> {
  const { identity, sha256 } = read;
  const bytes = read.view();
  const size = bytes.length;
  const detected = detect(filePath, bytes, limits.maxFileBytes);
  if (!detected.ok) return { ...detected, bytes: size, sha256 };
  const facts = { kind: detected.kind, bytes: size, sha256 };
  const splitIf = rule && size >= rule.minBytes ? (pages: number) => pages >= rule.minPages : undefined;
  const parsed = await parse(detected.kind, read.input, limits, filePath, splitIf, engine);
  if ('ok' in parsed) return { ...parsed, ...facts };

  const unstable = await changedSince(filePath, identity);
  if (unstable) return unstable;
  if ('split' in parsed) {
    return { type: 'pdf-split', ...facts, kind: 'pdf', identity, pages: parsed.pages, ...(parsed.title ? { title: parsed.title } : {}) };
  }
  return finishExtraction(facts, parsed);
}

type SplitSignal = { split: true; pages: number; title?: string };

export async function parse(
  kind: DocumentKind,
  input: PdfInput,
  limits: ExtractLimits,
  filePath: string,
  splitIf: ((pages: number) => boolean) | undefined,
  engine: PdfEngine = DEFAULT_PDF_ENGINE,
): Promise<Parsed | SplitSignal | Rejected> {
  const ext = extensionOf(filePath);
  switch (kind) {
    case 'pdf': {
      // The bytes are hashed already and not needed again: pdf.js may take them without a copy.
      const pdf = await extractPdfText(input, { consume: true, ...(splitIf ? { splitIf } : {}) }, engine);
      if (!pdf.ok) return pdf;
      if (pdf.split) return { split: true, pages: pdf.pages, ...(pdf.title ? { title: pdf.title } : {}) };
      return { text: pdf.text, pages: pdf.pages, warnings: pdf.warnings ?? [], ...(pdf.title ? { title: pdf.title } : {}) };
    }
    case 'docx': {
      const docx = await extractDocx(bufferOf(input), limits);
      return docx.ok ? { text: docx.text, warnings: docx.warnings } : docx;
    }
    case 'html': {
      const decoded = decodeHtml(bufferOf(input), ext);
      if (!decoded.ok) return decoded;
      const html = await htmlToText(decoded.text);
      return { text: html.text, encoding: decoded.encoding, warnings: [], ...(html.title ? { title: html.title } : {}) };
    }
    case 'txt':
    case 'md': {
      const decoded = decodeText(bufferOf(input), { ext });
      return decoded.ok ? { text: decoded.text, encoding: decoded.encoding, warnings: [] } : decoded;
    }
  }
}

/** An HTML file's bytes as text: the charset it declares is one of decodeText's clues. */
export function decodeHtml(bytes: Buffer, ext: string): Decoded | Rejected {
  const declared = declaredCharset(bytes);
  return decodeText(bytes, { ext, ...(declared ? { declared } : {}) });
}

/** The extension as `parse` and decodeText read it (`.html`, lower case). */
export function extensionOf(filePath: string): string {
  return filePath.slice(filePath.lastIndexOf('.')).toLowerCase();
}
