import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../src/extractors/decode-text.js';
import { detect, precheck, sniff } from '../../src/extractors/detect.js';
import { REJECT_REASONS } from '../../src/extractors/extraction.js';
import { htmlToText } from '../../src/extractors/html-text.js';
import { countCodePoints, hasText, normaliseText } from '../../src/extractors/normalise.js';
import { writeDocx } from '../../bench/support/zip-writer.js';

const MAX = 50 * 1024 * 1024;
const pdfBytes = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n');

describe('detect', () => {
  it('checks size rules before content', () => {
    expect(precheck('a.pdf', 0, MAX)).toMatchObject({ ok: false, reason: 'EMPTY_FILE' });
    expect(precheck('a.pdf', MAX + 1, MAX)).toMatchObject({ ok: false, reason: 'TOO_LARGE' });
    expect(precheck('a.pdf', MAX, MAX)).toBeUndefined();
  });

  it('refuses unsupported extensions, naming the supported ones', () => {
    const r = precheck('slides.pptx', 10, MAX);
    expect(r).toMatchObject({ ok: false, reason: 'UNSUPPORTED_TYPE' });
    expect(r?.detail).toContain('.docx');
  });

  it('accepts content that matches the extension, case-insensitively', () => {
    expect(detect('A.PDF', pdfBytes, MAX)).toEqual({ ok: true, kind: 'pdf', content: 'pdf' });
    expect(detect('a.docx', writeDocx(['x']), MAX)).toMatchObject({ ok: true, kind: 'docx' });
    expect(detect('a.markdown', Buffer.from('# hi'), MAX)).toMatchObject({ ok: true, kind: 'md' });
  });

  it('names both the extension and the content on a mismatch', () => {
    const r = detect('report.pdf', writeDocx(['x']), MAX);
    expect(r).toMatchObject({ ok: false, reason: 'TYPE_MISMATCH' });
    expect(!r.ok && r.detail).toContain('named .pdf but the content is a DOCX (ZIP)');
    expect(detect('a.docx', pdfBytes, MAX)).toMatchObject({ ok: false, reason: 'TYPE_MISMATCH' });
    expect(detect('a.pdf', Buffer.from('<!DOCTYPE html><html></html>'), MAX)).toMatchObject({ reason: 'TYPE_MISMATCH' });
    expect(detect('a.txt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]), MAX)).toMatchObject({ reason: 'TYPE_MISMATCH' });
  });

  it('finds %PDF- anywhere in the first KiB but not later', () => {
    expect(sniff(Buffer.concat([Buffer.alloc(500, 0x20), pdfBytes])).content).toBe('pdf');
    expect(sniff(Buffer.concat([Buffer.alloc(1100, 0x20), pdfBytes])).content).not.toBe('pdf');
  });

  it('calls an OLE container with EncryptionInfo an encrypted DOCX, and a plain one a legacy .doc', () => {
    const cfb = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...Buffer.alloc(64)]);
    const encrypted = Buffer.concat([cfb, Buffer.from('EncryptionInfo', 'utf16le')]);
    expect(detect('a.docx', encrypted, MAX)).toMatchObject({ ok: false, reason: 'ENCRYPTED' });
    expect(detect('a.docx', cfb, MAX)).toMatchObject({ ok: false, reason: 'TYPE_MISMATCH' });
  });

  it('exports every reason code once', () => {
    expect(new Set(REJECT_REASONS).size).toBe(REJECT_REASONS.length);
    expect(REJECT_REASONS).toContain('WORKER_UNAVAILABLE');
  });
});

describe('decodeText', () => {
  const decoded = (bytes: Buffer, declared?: string) => {
    const r = decodeText(bytes, declared ? { declared } : {});
    if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
    return r;
  };

  it('honours BOMs', () => {
    expect(decoded(Buffer.from([0xef, 0xbb, 0xbf, 0x68, 0x69]))).toEqual({ ok: true, text: 'hi', encoding: 'utf-8' });
    expect(decoded(Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode('Grüße', 'utf-16be')])).text).toBe('Grüße');
  });

  it('recognises UTF-16 without a BOM by its NUL pattern (BE passes as valid UTF-8 otherwise)', () => {
    expect(decoded(iconv.encode('plain ascii words here', 'utf-16be'))).toMatchObject({ encoding: 'utf-16be', text: 'plain ascii words here' });
    expect(decoded(iconv.encode('plain ascii words here', 'utf-16le'))).toMatchObject({ encoding: 'utf-16le' });
  });

  it.each([
    ['windows-1251', 'Съешь же ещё этих мягких французских булок, да выпей чаю.'],
    ['windows-1252', 'Les élèves étaient très contents à la fête de l’été.'],
    ['shift_jis', 'これは日本語のテキストです。東京は晴れです。'],
  ])('decodes legacy %s without mojibake', (encoding, text) => {
    expect(decoded(iconv.encode(text, encoding)).text).toBe(text);
  });

  it('prefers valid UTF-8 over a wrong declared charset, and a declared one over guessing', () => {
    expect(decoded(Buffer.from('中文 café'), 'gb2312')).toMatchObject({ encoding: 'utf-8', text: '中文 café' });
    expect(decoded(iconv.encode('وأعرب الاتحاد', 'iso-8859-6'), 'iso-8859-6').text).toBe('وأعرب الاتحاد');
  });

  it('rejects text that is valid UTF-8 but holds NUL bytes, however few', () => {
    expect(decodeText(Buffer.from('\x00\x01\x02binary', 'latin1'), { ext: '.md' })).toMatchObject({ ok: false, reason: 'TYPE_MISMATCH' });
    const mostlyText = Buffer.concat([Buffer.from('a long line of ordinary prose '.repeat(40)), Buffer.from([0])]);
    expect(decodeText(mostlyText, { ext: '.txt' })).toMatchObject({ ok: false, reason: 'TYPE_MISMATCH', detail: expect.stringContaining('NUL') });
  });

  it('rejects binary data as a type mismatch and unreadable bytes as an unsupported encoding', () => {
    expect(decodeText(Buffer.from([1, 2, 3, 0, 200, 0, 7, 8]), { ext: '.txt' })).toMatchObject({ ok: false, reason: 'TYPE_MISMATCH' });
    const noise = Buffer.from('word \x83\xfe\x9a\xd1 word \x8f\x81\xfd word \x90\x9d\x8d', 'latin1');
    expect(decodeText(noise)).toMatchObject({ ok: false, reason: 'UNSUPPORTED_ENCODING' });
  });
});

describe('html and text normalisation', () => {
  it('drops boilerplate and scripts, keeps the title and paragraph breaks', async () => {
    const { text, title } = await htmlToText(
      '<html><head><title>T</title><script>bad()</script></head><body><nav>menu</nav><p>one   two</p><p>three</p><footer>f</footer></body></html>',
    );
    expect(title).toBe('T');
    expect(normaliseText(text)).toBe('T\n\none two\n\nthree');
  });

  it('normalises line ends, blank runs and NFC so equal content hashes equal', () => {
    expect(normaliseText('\uFEFFa  \r\nb\r\n\r\n\r\n\r\ne\u0301')).toBe('a\nb\n\né');
  });

  it('does not count separators as text, and counts code points', () => {
    expect(hasText('\n\n-- 1 of 2 --\n')).toBe(true);
    expect(hasText(' \n\t ·—')).toBe(false);
    expect(countCodePoints('a🎉b')).toBe(3);
  });
});
