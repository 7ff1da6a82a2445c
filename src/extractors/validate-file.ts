/**
 * One file validated in the current process (file mode, DESIGN §11): the same read, hash, size
 * rules, detection and stability check as extractFile, but PDF and DOCX are read only until they
 * show text, an HTML page with a titled head is not parsed past it (html-title.ts), and text is
 * decoded (the decoder's verdict stands) but not normalised or hashed. The pool runs this in
 * worker processes for tasks of depth `validate`.
 *
 * With PDFium, a PDF is read (and hashed) straight into PDFium's heap and opened there
 * (read-for-engine.ts): the 45 MB bench PDF is validated in ~40 ms warm instead of ~400 ms.
 */
import { detect } from './detect.js';
import { DEFAULT_LIMITS, reject, type DocumentKind, type ExtractLimits, type Rejected } from './extraction.js';
import { decodeHtml, extensionOf, parse } from './extract-file.js';
import { noTextDetail, type FileFacts, type Parsed } from './finish-extraction.js';
import { htmlToText } from './html-text.js';
import { headTitleHasText } from './html-title.js';
import { hasText } from './normalise.js';
import { DEFAULT_PDF_ENGINE, validatePdfText, type PdfEngine, type PdfInput } from './pdf-engine.js';
import { bufferOf, readForEngine, type EngineRead } from './read-for-engine.js';
import { changedSince, type ExpectedFile } from './read-once.js';
import { validateDocx } from './validate-docx.js';
import type { Validation } from './validation.js';

type Checked = { ok: true; pages?: number; encoding?: string; warnings: string[] } | Rejected;

export async function validateFile(
  filePath: string,
  limits: ExtractLimits = DEFAULT_LIMITS,
  expected?: ExpectedFile,
  engine: PdfEngine = DEFAULT_PDF_ENGINE,
): Promise<Validation> {
  return readForEngine(filePath, limits.maxFileBytes, expected, engine, (read) => validateRead(filePath, read, limits, engine));
}

async function validateRead(filePath: string, read: EngineRead, limits: ExtractLimits, engine: PdfEngine): Promise<Validation> {
  const bytes = read.view();
  const facts: FileFacts = { kind: 'txt', bytes: bytes.length, sha256: read.sha256 };
  const detected = detect(filePath, bytes, limits.maxFileBytes);
  if (!detected.ok) return { ...detected, bytes: facts.bytes, sha256: facts.sha256 };
  facts.kind = detected.kind;

  // As in extractFile: a parser's rejection carries the file's facts; NO_TEXT is a verdict on a
  // fully read file, so a change under the reader turns it into UNSTABLE like an acceptance.
  const checked = await check(detected.kind, read.input, limits, filePath, facts, engine);
  if (!checked.ok && checked.reason !== 'NO_TEXT') return { ...checked, ...facts };
  const unstable = await changedSince(filePath, read.identity);
  if (unstable) return unstable;
  if (!checked.ok) return checked;
  return {
    ok: true,
    validated: true,
    ...facts,
    textHash: null,
    ...(checked.pages !== undefined ? { pages: checked.pages } : {}),
    ...(checked.encoding ? { encoding: checked.encoding } : {}),
    warnings: checked.warnings,
  };
}

async function check(kind: DocumentKind, input: PdfInput, limits: ExtractLimits, filePath: string, facts: FileFacts, engine: PdfEngine): Promise<Checked> {
  switch (kind) {
    case 'pdf': {
      const pdf = await validatePdfText(input, { consume: true }, engine);
      if (!pdf.ok) return pdf;
      if (pdf.textPage === null) return noText(facts, pdf.warnings ?? [], pdf.pages);
      return { ok: true, pages: pdf.pages, warnings: pdf.warnings ?? [] };
    }
    case 'docx': {
      const docx = await validateDocx(bufferOf(input), limits);
      if (!docx.ok) return docx;
      return docx.textFound ? { ok: true, warnings: [] } : noText(facts, docx.warnings);
    }
    case 'html': {
      const decoded = decodeHtml(bufferOf(input), extensionOf(filePath));
      if (!decoded.ok) return decoded;
      const { encoding } = decoded;
      // A titled page is decided by its head; only an untitled one is parsed in full.
      if (headTitleHasText(decoded.text)) return { ok: true, encoding, warnings: [] };
      return textVerdict(facts, { text: (await htmlToText(decoded.text)).text, encoding, warnings: [] });
    }
    default: {
      const parsed = await parse(kind, input, limits, filePath, undefined);
      if ('ok' in parsed) return parsed;
      if ('split' in parsed) throw new Error('validateFile: a text format cannot be split');
      return textVerdict(facts, parsed);
    }
  }
}

/**
 * The verdict finishExtraction gives on a parser's text, without normalising or hashing it: the
 * text is dropped, and normalising never adds or removes a letter or digit (normalise.ts).
 */
function textVerdict(facts: FileFacts, parsed: Parsed): Checked {
  if (!hasText(parsed.text)) return noText(facts, parsed.warnings);
  return { ok: true, warnings: parsed.warnings, ...(parsed.encoding ? { encoding: parsed.encoding } : {}) };
}

function noText(facts: FileFacts, warnings: string[], pages?: number): Rejected {
  return reject('NO_TEXT', noTextDetail(facts.kind), { ...facts, ...(pages !== undefined ? { pages } : {}), warnings });
}
