/**
 * A DOCX validated with early exit: after the zip-bomb guard (the same bounds as extraction),
 * `word/document.xml` is inflated as a stream and stops at the first `<w:t>` run holding a letter
 * or digit. A body without such a run (text only in footnotes, an unusual namespace prefix, a
 * broken part) is handed to the full extraction, whose verdict then stands: validation never
 * says NO_TEXT or CORRUPT where extraction would not.
 */
import yauzl from 'yauzl';
import { extractDocx } from './docx.js';
import { reject, type Rejected } from './extraction.js';
import { hasText } from './normalise.js';
import { checkZip, type ZipLimits } from './zip-guard.js';

export type DocxValidation = { ok: true; textFound: true } | { ok: true; textFound: false; warnings: string[] } | Rejected;

const DOCUMENT = 'word/document.xml';

export async function validateDocx(buf: Buffer, limits: ZipLimits): Promise<DocxValidation> {
  const zip = await checkZip(buf, limits);
  if (!zip.ok) return zip;
  if (!zip.names.includes(DOCUMENT)) {
    return reject('TYPE_MISMATCH', 'named .docx but the ZIP holds no word/document.xml (not a Word document); rename or replace it');
  }
  if (await bodyHasText(buf).catch(() => false)) return { ok: true, textFound: true };
  const full = await extractDocx(buf, limits);
  if (!full.ok) return full;
  return hasText(full.text) ? { ok: true, textFound: true } : { ok: true, textFound: false, warnings: full.warnings };
}

/** Streams word/document.xml and resolves true at the first text run with a letter or digit. */
function bodyHasText(buf: Buffer): Promise<boolean> {
  return new Promise((resolve, fail) => {
    yauzl.fromBuffer(buf, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (err, zip) => {
      if (err || !zip) return fail(err ?? new Error('no zip'));
      const done = (found: boolean) => {
        zip.close();
        resolve(found);
      };
      zip.on('error', fail);
      zip.on('end', () => done(false));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== DOCUMENT) return zip.readEntry();
        zip.openReadStream(entry, (openErr, stream) => {
          if (openErr || !stream) return fail(openErr ?? new Error('no stream'));
          const scanner = new TextRunScanner();
          stream.setEncoding('utf8');
          stream.on('data', (chunk: string) => {
            if (!scanner.push(chunk)) return;
            stream.destroy();
            done(true);
          });
          stream.on('error', fail);
          stream.on('end', () => done(false));
        });
      });
      zip.readEntry();
    });
  });
}

const TAIL_CHARS = 64 * 1024;
const TEXT_RUN = /<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g;

/** Finds `<w:t>` runs across chunk boundaries; keeps only the unfinished tail between chunks. */
export class TextRunScanner {
  #tail = '';

  /** True once a run with a letter or digit has been seen. */
  push(chunk: string): boolean {
    const text = this.#tail + chunk;
    let consumed = 0;
    for (const match of text.matchAll(TEXT_RUN)) {
      if (hasText(decodeXmlText(match[1] ?? ''))) return true;
      consumed = (match.index ?? 0) + match[0].length;
    }
    // A run may be cut at the chunk's end: keep what follows the last whole run, bounded (a run
    // longer than the bound is missed here and found by the full extraction that follows).
    this.#tail = text.slice(Math.max(consumed, text.length - TAIL_CHARS));
    return false;
  }
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (_, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref] ?? '';
    const n = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return Number.isFinite(n) && n <= 0x10ffff ? String.fromCodePoint(n) : '';
  });
}
