/**
 * Generates the extractor fixtures under fixtures/extract/ (committed; re-run after changing it):
 * tiny PDFs and DOCX files written by hand, and text/HTML files in several encodings, so that every
 * reason code has a file that produces it. Usage: npx tsx scripts/make-fixtures.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { loremLines, writePdf } from '../bench/support/pdf-writer.js';
import { deflatedZeros, docxEntries, writeDocx, writeZip } from '../bench/support/zip-writer.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'extract');
mkdirSync(root, { recursive: true });
const put = (name: string, data: string | Buffer) => writeFileSync(path.join(root, name), data);

const textPdf = writePdf({ title: 'Fixture Handbook', pages: [['Hello from the sensay-ingest fixtures.', 'Second line of page one.'], ['Page two says goodbye.']] });
put('text.pdf', textPdf);
put('blank.pdf', writePdf({ pages: [[]] }));
put('encrypted.pdf', writePdf({ pages: [['secret']], encrypted: true }));
put('truncated.pdf', textPdf.subarray(0, 40));
put('many-pages.pdf', writePdf({ pages: Array.from({ length: 400 }, (_, i) => loremLines(40, i + 1)) }));

put('text.docx', writeDocx(['Hello from a generated DOCX.', 'It has two paragraphs & an ampersand.']));
put('empty.docx', writeDocx([]));
put('not-word.docx', writeZip([{ name: 'readme.txt', data: Buffer.from('a plain zip') }]));
put('lying-header.docx', writeZip(docxEntries(['lies'], [{ name: 'word/media/big.bin', data: Buffer.alloc(0), deflated: deflatedZeros(4 * 1024 * 1024), declaredSize: 1024 }])));
put('encrypted.docx', fakeEncryptedOoxml());
put('docx-named.pdf', writeDocx(['I am really a Word document.']));
put('pdf-named.docx', textPdf);

put('utf8.md', '# Fixture\n\nMarkdown in UTF-8: café, naïve, 日本語, emoji 🎉.\n');
put('empty.md', '');
put('empty.txt', '');
put('utf16le-bom.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('UTF-16 with a BOM: Grüße.\n', 'utf-16le')]));
put('utf16be-nobom.txt', iconv.encode('UTF-16BE without a BOM: plain words, numbers 1 2 3.\n', 'utf-16be'));
put('latin1.txt', iconv.encode('Les élèves étaient très contents à la fête de l’été, où ça chantait.\n', 'windows-1252'));
put('cp1251.txt', iconv.encode('Съешь же ещё этих мягких французских булок, да выпей чаю. Широкая электрификация южных губерний.\n', 'windows-1251'));
put('shift_jis.txt', iconv.encode('これは日本語のテキストです。文字コードはシフトJISで保存されています。東京は晴れです。\n', 'shift_jis'));
put('cp500.txt', encodeCp500('This file was written on a mainframe in EBCDIC code page 500.\nIt has two lines of readable English text.\n'));
put('binary.txt', pseudoRandomBytes(4096, 7));
put('undecodable.txt', undecodableText());
put('notes.rtf', '{\\rtf1 not supported}');

put(
  'page.html',
  `<!doctype html><html><head><meta charset="utf-8"><title>Fixture Page</title><style>body{color:red}</style>
<script>var secret = "SCRIPT_TEXT";</script></head><body>
<header>HEADER_TEXT</header><nav>NAV_TEXT</nav>
<main><h1>Main heading</h1><p>First   paragraph
with wrapped    lines.</p><p>Second paragraph.</p>
<table><tr><td>cell a</td><td>cell b</td></tr></table></main>
<aside>ASIDE_TEXT</aside><noscript>NOSCRIPT_TEXT</noscript><template>TEMPLATE_TEXT</template>
<footer>FOOTER_TEXT</footer></body></html>\n`,
);
put('charset-lie.html', Buffer.from('<html><head><meta charset="gb2312"><title>Lie</title></head><body><p>Declared gb2312 but UTF-8: 中文 and café.</p></body></html>\n'));
put('latin1-declared.html', iconv.encode('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><title>Déjà</title></head><body><p>Crème brûlée à volonté.</p></body></html>\n', 'windows-1252'));
put('script-only.html', '<html><head><script>only()</script></head><body><nav>menu</nav></body></html>\n');

function fakeEncryptedOoxml(): Buffer {
  const header = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  const body = Buffer.alloc(1024);
  body.write('EncryptionInfo', 128, 'utf16le');
  body.write('EncryptedPackage', 256, 'utf16le');
  return Buffer.concat([header, body]);
}

function encodeCp500(text: string): Buffer {
  const table = new Map<string, number>();
  const ebcdic = ' abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.\n';
  const codes = [0x40, ...range(0x81, 9), ...range(0x91, 9), ...range(0xa2, 8), ...range(0xc1, 9), ...range(0xd1, 9), ...range(0xe2, 8), ...range(0xf0, 10), 0x4b, 0x25];
  [...ebcdic].forEach((ch, i) => table.set(ch, codes[i] as number));
  return Buffer.from([...text].map((ch) => table.get(ch) ?? 0x40));
}

function range(start: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => start + i);
}

function pseudoRandomBytes(n: number, seed: number): Buffer {
  let x = seed;
  return Buffer.from(Array.from({ length: n }, () => (x = (x * 1103515245 + 12345) & 0x7fffffff) >> 16 & 0xff));
}

/** ASCII words interleaved with bytes no single code page makes readable. */
function undecodableText(): Buffer {
  const noise = Buffer.from(pseudoRandomBytes(600, 3).map((b) => 0x80 | b));
  const parts: Buffer[] = [];
  for (let i = 0; i < noise.length; i += 6) parts.push(Buffer.from('word '), noise.subarray(i, i + 6), Buffer.from(' '));
  return Buffer.concat(parts);
}
