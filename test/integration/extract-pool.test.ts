import { mkdtemp, mkdir, rm, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loremLines, writePdf } from '../../bench/support/pdf-writer.js';
import { deflatedZeros, docxEntries, writeDocx, writeZip } from '../../bench/support/zip-writer.js';
import { extractFile } from '../../src/extractors/extract-file.js';
import type { Extraction } from '../../src/extractors/extraction.js';
import { createExtractorPool, type ExtractorPool } from '../../src/extractors/pool.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/extract');
const fx = (name: string) => path.join(fixtures, name);
const log = pino({ level: 'silent' });
const GiB = 1024 ** 3;

let pool: ExtractorPool;
let tmp: string;

beforeAll(async () => {
  pool = createExtractorPool({ workers: 2, log, taskTimeoutMs: 20_000 });
  tmp = await mkdtemp(path.join(tmpdir(), 'extract-pool-'));
});

afterAll(async () => {
  await pool?.close();
  await rm(tmp, { recursive: true, force: true });
});

function reasonOf(r: Extraction | undefined): string {
  if (!r) return 'missing';
  return r.ok ? 'ok' : r.reason;
}

describe('fixtures through the worker pool', () => {
  it.each([
    ['text.pdf', 'ok'],
    ['blank.pdf', 'NO_TEXT'],
    ['encrypted.pdf', 'ENCRYPTED'],
    ['truncated.pdf', 'CORRUPT'],
    ['text.docx', 'ok'],
    ['empty.docx', 'NO_TEXT'],
    ['not-word.docx', 'TYPE_MISMATCH'],
    ['lying-header.docx', 'DECOMPRESSION_LIMIT'],
    ['encrypted.docx', 'ENCRYPTED'],
    ['docx-named.pdf', 'TYPE_MISMATCH'],
    ['pdf-named.docx', 'TYPE_MISMATCH'],
    ['utf8.md', 'ok'],
    ['empty.md', 'EMPTY_FILE'],
    ['empty.txt', 'EMPTY_FILE'],
    ['utf16le-bom.txt', 'ok'],
    ['utf16be-nobom.txt', 'ok'],
    ['latin1.txt', 'ok'],
    ['cp1251.txt', 'ok'],
    ['shift_jis.txt', 'ok'],
    ['cp500.txt', 'ok'],
    ['binary.txt', 'TYPE_MISMATCH'],
    ['undecodable.txt', 'UNSUPPORTED_ENCODING'],
    ['notes.rtf', 'UNSUPPORTED_TYPE'],
    ['page.html', 'ok'],
    ['charset-lie.html', 'ok'],
    ['latin1-declared.html', 'ok'],
    ['script-only.html', 'NO_TEXT'],
  ])('%s → %s', async (name, expected) => {
    const r = await pool.extract(fx(name));
    expect(reasonOf(r), r.ok ? '' : r.detail).toBe(expected);
    if (!r.ok) expect(r.detail).toMatch(/^[^\n]{10,300}$/);
  });

  it('returns the text, hashes, pages and title of a PDF', async () => {
    const r = await pool.extract(fx('text.pdf'));
    if (!r.ok) throw new Error(r.detail);
    expect(r).toMatchObject({ kind: 'pdf', pages: 2, title: 'Fixture Handbook' });
    expect(r.text).toBe('Hello from the sensay-ingest fixtures.\nSecond line of page one.\n\nPage two says goodbye.');
    expect(r.chars).toBe(r.text.length);
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.textHash).not.toBe(r.sha256);
  });

  it('keeps NO_TEXT documents identifiable (file mode uploads them)', async () => {
    const r = await pool.extract(fx('blank.pdf'));
    expect(r).toMatchObject({ ok: false, reason: 'NO_TEXT', kind: 'pdf', pages: 1 });
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('drops script, style and boilerplate from HTML and decodes legacy charsets', async () => {
    const page = await pool.extract(fx('page.html'));
    if (!page.ok) throw new Error(page.detail);
    expect(page.text).toContain('Main heading');
    expect(page.text).toContain('cell a\tcell b');
    expect(page.text).not.toMatch(/SCRIPT_TEXT|HEADER_TEXT|NAV_TEXT|ASIDE_TEXT|NOSCRIPT_TEXT|TEMPLATE_TEXT|FOOTER_TEXT|color:red/);
    const cyrillic = await pool.extract(fx('cp1251.txt'));
    expect(cyrillic).toMatchObject({ ok: true, encoding: 'windows-1251' });
    expect(cyrillic.ok && cyrillic.text).toContain('Съешь же ещё');
  });

  it('gives identical text the same textHash across formats', async () => {
    const dir = path.join(tmp, 'same');
    await mkdir(dir);
    await writeFile(path.join(dir, 'a.txt'), 'Same words.\r\n');
    await writeFile(path.join(dir, 'b.md'), '\uFEFFSame words.\n\n');
    const [a, b] = await Promise.all([pool.extract(path.join(dir, 'a.txt')), pool.extract(path.join(dir, 'b.md'))]);
    expect(a.ok && b.ok && a.textHash === b.textHash && a.sha256 !== b.sha256).toBe(true);
  });
});

describe('hostile inputs made at run time', () => {
  it('refuses a DOCX declaring 1 GiB uncompressed without inflating it', async () => {
    const file = path.join(tmp, 'bomb-declared.docx');
    await writeFile(file, writeZip(docxEntries(['x'], [{ name: 'word/media/huge.bin', data: Buffer.alloc(0), deflated: deflatedZeros(GiB) }])));
    const r = await pool.extract(file);
    expect(r).toMatchObject({ ok: false, reason: 'DECOMPRESSION_LIMIT' });
  });

  it('catches a DOCX that inflates to 1 GiB while its header declares 1 KiB', async () => {
    const file = path.join(tmp, 'bomb-lying.docx');
    await writeFile(file, writeZip(docxEntries(['x'], [{ name: 'word/media/huge.bin', data: Buffer.alloc(0), deflated: deflatedZeros(GiB), declaredSize: 1024 }])));
    expect(await pool.extract(file)).toMatchObject({ ok: false, reason: 'DECOMPRESSION_LIMIT' });
  });

  it('bounds the total actually inflated even when every header is honest', async () => {
    const file = path.join(tmp, 'bomb-many.docx');
    const entries = Array.from({ length: 4 }, (_, i) => ({ name: `word/media/${i}.bin`, data: Buffer.alloc(0), deflated: deflatedZeros(8 * 1024 * 1024) }));
    await writeFile(file, writeZip(docxEntries(['x'], entries)));
    const r = await pool.extract(file, { maxUncompressedBytes: 16 * 1024 * 1024 });
    expect(r).toMatchObject({ ok: false, reason: 'DECOMPRESSION_LIMIT' });
  });

  it('refuses random bytes named .txt, an empty .md and a DOCX named .pdf', async () => {
    const random = path.join(tmp, 'random.txt');
    const bytes = Buffer.alloc(8192);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    await writeFile(random, bytes);
    await writeFile(path.join(tmp, 'empty.md'), '');
    await writeFile(path.join(tmp, 'word.pdf'), writeDocx(['hello']));
    const [a, b, c] = await Promise.all(['random.txt', 'empty.md', 'word.pdf'].map((f) => pool.extract(path.join(tmp, f))));
    expect([a, b, c].map(reasonOf)).toEqual(['TYPE_MISMATCH', 'EMPTY_FILE', 'TYPE_MISMATCH']);
    expect(!c?.ok && c?.detail).toContain('named .pdf but the content is a DOCX (ZIP)');
  });

  it('refuses a 60 MiB file by its size, without reading it', async () => {
    const file = path.join(tmp, 'huge.pdf');
    await writeFile(file, '');
    await truncate(file, 60 * 1024 * 1024);
    const r = await pool.extract(file);
    expect(r).toMatchObject({ ok: false, reason: 'TOO_LARGE' });
    expect(!r.ok && r.detail).toContain('60.0 MiB');
  });

  it('reports vanished paths and directories as UNREADABLE', async () => {
    await mkdir(path.join(tmp, 'folder.pdf'));
    const [gone, dir] = await Promise.all([pool.extract(path.join(tmp, 'nope.pdf')), pool.extract(path.join(tmp, 'folder.pdf'))]);
    expect(gone).toMatchObject({ ok: false, reason: 'UNREADABLE' });
    expect(dir).toMatchObject({ ok: false, reason: 'UNREADABLE' });
  });
});

describe('isolation', () => {
  it('kills a task past its time limit with TIMEOUT and keeps serving', async () => {
    // A 3,000-page PDF takes ~3 s to read on a quiet machine, a small file a few ms even in a
    // worker started for it: a 1 s limit tells them apart under load too (100 ms did not).
    const slowPdf = path.join(tmp, 'slow-3000-pages.pdf');
    await writeFile(slowPdf, writePdf({ pages: Array.from({ length: 3000 }, (_, i) => loremLines(20, i + 1)) }));
    const strict = createExtractorPool({ workers: 1, log, taskTimeoutMs: 1000 });
    try {
      const slow = await strict.extract(slowPdf);
      expect(slow).toMatchObject({ ok: false, reason: 'TIMEOUT' });
      expect(await strict.extract(fx('utf8.md'))).toMatchObject({ ok: true });
      expect(strict.stats().workersStarted).toBe(2);
    } finally {
      await strict.close();
    }
    // Two workers start one after the other (the second on demand): slow on a loaded machine.
  }, 90_000);

  it('kills a worker above its memory bound with TOO_COMPLEX while other tasks finish', async () => {
    // An idle worker running TS sources through tsx sits near 330 MB; this page inflates to 768 MiB.
    const bomb = path.join(tmp, 'flate-bomb.pdf');
    await writeFile(bomb, writePdf({ pages: [['a page of text'], { inflatedBytes: 768 * 1024 * 1024 }] }));
    const tight = createExtractorPool({ workers: 1, log, maxWorkerMemoryMb: 640, taskTimeoutMs: 20_000 });
    try {
      const big = await tight.extract(bomb);
      expect(big).toMatchObject({ ok: false, reason: 'TOO_COMPLEX' });
      expect(await tight.extract(fx('text.docx'))).toMatchObject({ ok: true });
    } finally {
      await tight.close();
    }
  });

  it('marks a file that changed while being read UNSTABLE', async () => {
    const file = path.join(tmp, 'moving.md');
    await writeFile(file, '# first version\n');
    const r = await extractFile(file, undefined, {
      afterRead: async () => {
        await writeFile(file, '# second, longer version\n');
        await utimes(file, new Date(), new Date(Date.now() + 5000));
      },
    });
    expect(r).toMatchObject({ ok: false, reason: 'UNSTABLE' });
  });

  it('rejects pending work once closed', async () => {
    const p = createExtractorPool({ workers: 1, log });
    const pending = p.extract(fx('many-pages.pdf')).catch((error: unknown) => error);
    await p.close();
    expect(await pending).toMatchObject({ code: 'POOL_CLOSED' });
    await expect(p.extract(fx('utf8.md'))).rejects.toMatchObject({ code: 'POOL_CLOSED' });
  });
});
