/**
 * Type detection and validation before any parser runs: size rules first, then the content's
 * magic bytes, which must agree with the file's extension. Pure: works on bytes already read.
 */
import path from 'node:path';
import { reject, type DocumentKind, type Rejected } from './extraction.js';

const EXTENSIONS: Readonly<Record<string, DocumentKind>> = {
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.txt': 'txt',
  '.md': 'md',
  '.markdown': 'md',
  '.html': 'html',
  '.htm': 'html',
};

export const SUPPORTED_EXTENSIONS = Object.freeze(Object.keys(EXTENSIONS));

/** What the bytes look like, independent of the name. */
/** `media` is a known non-document format (images, gzip); `binary` is a guess from control bytes. */
export type ContentClass = 'pdf' | 'docx' | 'zip' | 'cfb' | 'media' | 'html' | 'text' | 'binary';

export type Sniffed = { content: ContentClass; label: string };

export type Detected = { ok: true; kind: DocumentKind; content: ContentClass };

export function kindForPath(filePath: string): DocumentKind | undefined {
  return EXTENSIONS[path.extname(filePath).toLowerCase()];
}

export function checkSize(size: number, maxFileBytes: number): Rejected | undefined {
  if (size === 0) return reject('EMPTY_FILE', 'the file is empty (0 bytes); add content or exclude it');
  if (size > maxFileBytes) {
    return reject(
      'TOO_LARGE',
      `the file is ${formatBytes(size)}, above limits.maxFileBytes (${formatBytes(maxFileBytes)}); split it or raise the limit`,
    );
  }
  return undefined;
}

/** Rules that need only the name and size; lets the caller skip reading a file it will refuse. */
export function precheck(filePath: string, size: number, maxFileBytes: number): Rejected | undefined {
  const ext = path.extname(filePath).toLowerCase();
  if (!EXTENSIONS[ext]) {
    return reject(
      'UNSUPPORTED_TYPE',
      `"${ext || '(no extension)'}" files are not supported; supported: ${SUPPORTED_EXTENSIONS.join(' ')}`,
    );
  }
  return checkSize(size, maxFileBytes);
}

export function detect(filePath: string, bytes: Uint8Array, maxFileBytes: number): Detected | Rejected {
  const early = precheck(filePath, bytes.length, maxFileBytes);
  if (early) return early;
  const kind = kindForPath(filePath) as DocumentKind;
  const sniffed = sniff(bytes);
  const ext = path.extname(filePath).toLowerCase();
  const mismatch = () =>
    reject('TYPE_MISMATCH', `named ${ext} but the content is ${sniffed.label}; rename it to match its content or replace it`);

  switch (kind) {
    case 'pdf':
      return sniffed.content === 'pdf' ? { ok: true, kind, content: 'pdf' } : mismatch();
    case 'docx':
      // A ZIP without a visible word/document.xml may be truncated: the ZIP reader decides.
      if (sniffed.content === 'docx' || sniffed.content === 'zip') return { ok: true, kind, content: sniffed.content };
      if (sniffed.content === 'cfb' && isEncryptedOoxml(bytes)) {
        return reject('ENCRYPTED', 'the DOCX is password-protected (encrypted OOXML); save an unprotected copy');
      }
      return mismatch();
    case 'html':
    case 'txt':
    case 'md':
      // Markup inside .txt/.md is still text; binary verdicts come from the decoder, which can
      // tell UTF-16 and EBCDIC from binary data.
      return sniffed.content === 'html' || sniffed.content === 'text' || sniffed.content === 'binary'
        ? { ok: true, kind, content: sniffed.content }
        : mismatch();
  }
}

export function sniff(bytes: Uint8Array): Sniffed {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const head = buf.subarray(0, 1024);
  if (head.includes('%PDF-', 0, 'latin1')) return { content: 'pdf', label: 'a PDF' };
  if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04]) || startsWith(buf, [0x50, 0x4b, 0x05, 0x06])) {
    return buf.includes('word/document.xml', 0, 'latin1')
      ? { content: 'docx', label: 'a DOCX (ZIP)' }
      : { content: 'zip', label: 'a ZIP archive (not a Word document)' };
  }
  if (startsWith(buf, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return isEncryptedOoxml(bytes)
      ? { content: 'cfb', label: 'an encrypted Office document (OLE/CFB)' }
      : { content: 'cfb', label: 'a legacy Office document (OLE/CFB, e.g. .doc)' };
  }
  const image = IMAGE_MAGIC.find((m) => startsWith(buf, m.bytes));
  if (image) return { content: 'media', label: image.label };
  if (looksLikeHtml(head)) return { content: 'html', label: 'HTML' };
  return looksBinary(head) ? { content: 'binary', label: 'binary data (not text)' } : { content: 'text', label: 'text' };
}

const IMAGE_MAGIC: ReadonlyArray<{ bytes: number[]; label: string }> = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], label: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], label: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], label: 'a GIF image' },
  { bytes: [0x1f, 0x8b], label: 'a gzip archive' },
];

/** An encrypted OOXML package is a CFB container holding an "EncryptionInfo" stream. */
function isEncryptedOoxml(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes('EncryptionInfo', 0, 'utf16le');
}

function looksLikeHtml(head: Buffer): boolean {
  // Dropping NULs makes UTF-16 markup readable as ASCII.
  const ascii = head.toString('latin1').replace(/\0/g, '').replace(/^\uFEFF|^\u00EF\u00BB\u00BF|^\u00FF\u00FE|^\u00FE\u00FF/, '');
  return /^\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<!--|<meta\s|<title>)/i.test(ascii);
}

function looksBinary(head: Buffer): boolean {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) return false;
  let controls = 0;
  for (const b of head) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) controls++;
  // UTF-16 text is half NULs, so binary is only what is neither text nor UTF-16 shaped.
  return controls / Math.max(1, head.length) > 0.3 && !looksUtf16(head);
}

function looksUtf16(head: Buffer): boolean {
  let even = 0;
  let odd = 0;
  for (let i = 0; i < head.length; i++) {
    if (head[i] !== 0) continue;
    if (i % 2 === 0) even++;
    else odd++;
  }
  const half = head.length / 2;
  return (odd > half * 0.3 && even < half * 0.02) || (even > half * 0.3 && odd < half * 0.02);
}

function startsWith(buf: Buffer, magic: number[]): boolean {
  return magic.every((b, i) => buf[i] === b);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
