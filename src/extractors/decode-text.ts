/**
 * Bytes to Unicode for text and HTML files, in order of trust: a BOM, the UTF-16 NUL pattern,
 * strict UTF-8 validity, the charset the document declares (HTML), EBCDIC, then statistical
 * detection. What none of them decodes cleanly is refused: mojibake must never reach text mode.
 */
import iconv from 'iconv-lite';
import { guessCharset } from './charset-guess.js';
import { decodeCp500 } from './ebcdic-cp500.js';
import { reject, type Rejected } from './extraction.js';

export type Decoded = { ok: true; text: string; encoding: string };

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const STRAY_CONTROLS = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeText(bytes: Uint8Array, options: { declared?: string; ext?: string } = {}): Decoded | Rejected {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bom = decodeByBom(buf);
  if (bom) return bom;

  const utf16 = utf16WithoutBom(buf);
  // Binary data can have a NUL pattern too; only a clean decode makes it UTF-16 text.
  const asUtf16 = utf16 ? clean(iconv.decode(buf, utf16), utf16) : undefined;
  if (asUtf16) return asUtf16;

  // Outside UTF-16 no text file holds a NUL byte: it is binary data, however few there are.
  if (buf.includes(0)) {
    return reject('TYPE_MISMATCH', `named ${options.ext ?? 'as text'} but the content holds NUL bytes, i.e. binary data (not text); exclude it or replace it`);
  }

  const utf8 = tryUtf8(buf);
  if (utf8 !== undefined) return { ok: true, text: utf8, encoding: 'utf-8' };

  if (isBinary(buf)) {
    return reject('TYPE_MISMATCH', `named ${options.ext ?? 'as text'} but the content is binary data (not text); exclude it or replace it`);
  }

  const declared = options.declared ? normaliseCharset(options.declared) : undefined;
  if (declared && declared !== 'utf-8' && iconv.encodingExists(declared)) {
    const decoded = clean(iconv.decode(buf, declared), declared);
    if (decoded) return decoded;
  }

  if (looksEbcdic(buf)) {
    // Stray control codes in mainframe text (carriage controls) are dropped, not decoded.
    const decoded = clean(decodeCp500(buf).replace(STRAY_CONTROLS, ''), 'ibm500');
    if (decoded) return decoded;
  }

  const guess = guessCharset(buf, normaliseCharset);
  if (guess) {
    const decoded = clean(guess.text, guess.encoding);
    if (decoded) return decoded;
  }
  return undecodable(options.ext);
}

function undecodable(ext: string | undefined): Rejected {
  return reject(
    'UNSUPPORTED_ENCODING',
    `the ${ext ?? 'text'} file's character encoding could not be identified or decoded cleanly; save it as UTF-8`,
  );
}

function decodeByBom(buf: Buffer): Decoded | undefined {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    const text = tryUtf8(buf.subarray(3));
    return text === undefined ? undefined : { ok: true, text, encoding: 'utf-8' };
  }
  if (buf[0] === 0xff && buf[1] === 0xfe) return { ok: true, text: iconv.decode(buf.subarray(2), 'utf-16le'), encoding: 'utf-16le' };
  if (buf[0] === 0xfe && buf[1] === 0xff) return { ok: true, text: iconv.decode(buf.subarray(2), 'utf-16be'), encoding: 'utf-16be' };
  return undefined;
}

function tryUtf8(buf: Buffer): string | undefined {
  try {
    return strictUtf8.decode(buf);
  } catch {
    return undefined;
  }
}

/**
 * ASCII-heavy UTF-16 has a NUL in every other byte; UTF-16BE without a BOM is also valid UTF-8,
 * so this must run before the UTF-8 check.
 */
export function utf16WithoutBom(buf: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(buf.length, 64 * 1024) & ~1;
  if (n < 4) return undefined;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i++) {
    if (buf[i] !== 0) continue;
    if (i % 2 === 0) even++;
    else odd++;
  }
  const half = n / 2;
  if (odd > half * 0.2 && even < half * 0.01) return 'utf-16le';
  if (even > half * 0.2 && odd < half * 0.01) return 'utf-16be';
  return undefined;
}

function isBinary(buf: Buffer): boolean {
  if (buf.includes(0)) return true;
  const n = Math.min(buf.length, 64 * 1024);
  let controls = 0;
  for (let i = 0; i < n; i++) {
    const b = buf[i] as number;
    // EBCDIC line ends (0x15, 0x25) and tab (0x05) are controls in ASCII; let EBCDIC through.
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b && b !== 0x05 && b !== 0x15) controls++;
  }
  return controls / Math.max(1, n) > 0.02;
}

/** EBCDIC prose: the space (0x40) is frequent and almost every byte maps to printable ASCII. */
function looksEbcdic(buf: Buffer): boolean {
  const n = Math.min(buf.length, 64 * 1024);
  let spaces = 0;
  for (let i = 0; i < n; i++) if (buf[i] === 0x40) spaces++;
  if (spaces / Math.max(1, n) < 0.05) return false;
  const sample = decodeCp500(buf.subarray(0, n));
  let printable = 0;
  for (const ch of sample) if (/[\x20-\x7e\t\n\r]/.test(ch)) printable++;
  return printable / sample.length > 0.95;
}

/** Charset labels as iconv-lite knows them; GB2312 pages are in practice GBK/GB18030. */
export function normaliseCharset(label: string): string {
  const name = label.trim().toLowerCase().replace(/^x-/, '');
  if (name === 'gb2312' || name === 'gbk' || name === 'gb_2312-80') return 'gb18030';
  if (name === 'iso-8859-1' || name === 'latin1' || name === 'us-ascii') return 'windows-1252';
  if (name === 'utf8') return 'utf-8';
  if (name === 'sjis' || name === 'shift-jis') return 'shift_jis';
  return name;
}

/** A decode is accepted only if nothing was replaced, no C1 controls and hardly any C0 controls appeared. */
function clean(text: string, encoding: string): Decoded | undefined {
  if (text.includes('\uFFFD')) return undefined;
  let c1 = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80 && c <= 0x9f) c1++;
  }
  if (c1 > 0) return undefined;
  let c0 = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1b) c0++;
  }
  if (c0 > text.length * 0.01) return undefined;
  return { ok: true, text, encoding };
}
