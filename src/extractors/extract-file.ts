/**
 * One file, start to finish, in the current process: stat, size rules, one read (hash and parser
 * see the same bytes), detection, the format's extractor, normalisation, and a re-stat so a file
 * that changed while being read is UNSTABLE rather than half-uploaded. The pool runs this in
 * worker processes; tests and tools may call it directly.
 */
import type { Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { decodeText } from './decode-text.js';
import { detect, precheck } from './detect.js';
import { extractDocx } from './docx.js';
import { DEFAULT_LIMITS, reject, type DocumentKind, type Extraction, type ExtractLimits, type Rejected } from './extraction.js';
import { declaredCharset, htmlToText } from './html-text.js';
import { countCodePoints, hasText, normaliseText, sha256Hex } from './normalise.js';
import { extractPdf } from './pdf.js';

type Parsed = { text: string; pages?: number; title?: string; encoding?: string; warnings: string[] };

export type ExtractFileHooks = {
  /** Called between the read and the parse; tests use it to change the file under the reader. */
  afterRead?: () => Promise<void>;
};

export async function extractFile(
  filePath: string,
  limits: ExtractLimits = DEFAULT_LIMITS,
  hooks: ExtractFileHooks = {},
): Promise<Extraction> {
  const read = await readOnce(filePath, limits.maxFileBytes);
  if (!read.ok) return read;
  await hooks.afterRead?.();
  const { bytes, stats } = read;
  const sha256 = sha256Hex(bytes);

  const detected = detect(filePath, bytes, limits.maxFileBytes);
  if (!detected.ok) return { ...detected, bytes: bytes.length, sha256 };
  const parsed = await parse(detected.kind, bytes, limits, filePath);
  if ('ok' in parsed) return { ...parsed, kind: detected.kind, bytes: bytes.length, sha256 };

  const unstable = await changedSince(filePath, stats);
  if (unstable) return unstable;

  const text = normaliseText(parsed.text);
  const base = { kind: detected.kind, bytes: bytes.length, sha256, ...(parsed.pages !== undefined ? { pages: parsed.pages } : {}) };
  if (!hasText(text)) {
    return reject('NO_TEXT', noTextDetail(detected.kind), { ...base, warnings: parsed.warnings });
  }
  return {
    ok: true,
    ...base,
    text,
    textHash: sha256Hex(text),
    chars: countCodePoints(text),
    ...(parsed.title ? { title: parsed.title } : {}),
    ...(parsed.encoding ? { encoding: parsed.encoding } : {}),
    warnings: parsed.warnings,
  };
}

type ReadResult = { ok: true; bytes: Buffer; stats: Stats } | Rejected;

async function readOnce(filePath: string, maxFileBytes: number): Promise<ReadResult> {
  let handle;
  try {
    handle = await open(filePath, 'r');
  } catch (error) {
    return unreadable(error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return reject('UNREADABLE', 'not a regular file; point the source at files only');
    const early = precheck(filePath, stats.size, maxFileBytes);
    if (early) return early;
    const bytes = await handle.readFile();
    if (bytes.length !== stats.size) {
      return reject('UNSTABLE', 'the file changed size while it was being read; it will be retried when it settles');
    }
    return { ok: true, bytes, stats };
  } catch (error) {
    return unreadable(error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function changedSince(filePath: string, before: Stats): Promise<Rejected | undefined> {
  let after: Stats;
  try {
    after = await stat(filePath);
  } catch (error) {
    return unreadable(error);
  }
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs || after.ino !== before.ino) {
    return reject('UNSTABLE', 'the file changed while it was being read; it will be retried when it settles');
  }
  return undefined;
}

async function parse(kind: DocumentKind, bytes: Buffer, limits: ExtractLimits, filePath: string): Promise<Parsed | Rejected> {
  const ext = filePath.slice(filePath.lastIndexOf('.')).toLowerCase();
  switch (kind) {
    case 'pdf': {
      const pdf = await extractPdf(bytes);
      return pdf.ok ? { text: pdf.text, pages: pdf.pages, warnings: [], ...(pdf.title ? { title: pdf.title } : {}) } : pdf;
    }
    case 'docx': {
      const docx = await extractDocx(bytes, limits);
      return docx.ok ? { text: docx.text, warnings: docx.warnings } : docx;
    }
    case 'html': {
      const declared = declaredCharset(bytes);
      const decoded = decodeText(bytes, { ext, ...(declared ? { declared } : {}) });
      if (!decoded.ok) return decoded;
      const html = htmlToText(decoded.text);
      return { text: html.text, encoding: decoded.encoding, warnings: [], ...(html.title ? { title: html.title } : {}) };
    }
    case 'txt':
    case 'md': {
      const decoded = decodeText(bytes, { ext });
      return decoded.ok ? { text: decoded.text, encoding: decoded.encoding, warnings: [] } : decoded;
    }
  }
}

function noTextDetail(kind: DocumentKind): string {
  return kind === 'pdf'
    ? 'the PDF has no text layer (a scan or blank pages); run OCR on it, or upload in file mode and let Sensay read it'
    : `the ${kind.toUpperCase()} contains no text; add content or exclude it`;
}

function unreadable(error: unknown): Rejected {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT' ? 'the file vanished before it could be read'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied; let the ingest user read it'
    : code === 'EISDIR' ? 'it is a directory, not a file'
    : `it could not be read (${code ?? String(error)})`;
  return reject('UNREADABLE', why);
}
