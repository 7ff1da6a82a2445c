/**
 * File mode's validation against full extraction on the project's fixtures, and the cases only
 * early exit has: text on a late page of a long PDF, and a long PDF with no text at all.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loremLines, writePdf } from '../../bench/support/pdf-writer.js';
import { writeDocx } from '../../bench/support/zip-writer.js';
import { extractFile } from '../../src/extractors/extract-file.js';
import { createExtractorPool, type ExtractorPool } from '../../src/extractors/pool.js';
import { validateFile } from '../../src/extractors/validate-file.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/extract');

describe('validation agrees with extraction on every fixture', () => {
  it.each(readdirSync(fixtures))('%s', async (name) => {
    const file = path.join(fixtures, name);
    const [extracted, validated] = await Promise.all([extractFile(file), validateFile(file)]);
    expect(validated.ok ? 'ok' : validated.reason).toBe(extracted.ok ? 'ok' : extracted.reason);
    expect(validated.sha256).toBe(extracted.sha256);
    expect(validated.kind).toBe(extracted.kind);
    if (validated.ok) expect(validated).toMatchObject({ validated: true, textHash: null, bytes: extracted.ok ? extracted.bytes : -1 });
    if (!validated.ok && !extracted.ok) expect(validated.detail).toBe(extracted.detail);
  });
});

describe('early exit on long documents (through the pool)', () => {
  let dir: string;
  let pool: ExtractorPool;
  const blank = (n: number): string[][] => Array.from({ length: n }, () => []);

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'validate-'));
    pool = createExtractorPool({ workers: 1, log: pino({ level: 'silent' }), taskTimeoutMs: 60_000 });
  });
  afterAll(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes a 400-page scan whose only text layer is on page 300', async () => {
    const pages = blank(400);
    pages[299] = ['The text layer starts on page three hundred.'];
    const file = path.join(dir, 'late-text.pdf');
    writeFileSync(file, writePdf({ pages }));
    expect(await pool.validate(file)).toMatchObject({ ok: true, validated: true, kind: 'pdf', pages: 400, textHash: null });
    expect(await pool.extract(file)).toMatchObject({ ok: true, pages: 400 });
  });

  it('passes a PDF whose text is only on its last page, and calls one without any text NO_TEXT', async () => {
    const last = blank(120);
    last[119] = ['Only the last page speaks.'];
    const lastFile = path.join(dir, 'last-page.pdf');
    writeFileSync(lastFile, writePdf({ pages: last }));
    expect(await pool.validate(lastFile)).toMatchObject({ ok: true, pages: 120 });

    const emptyFile = path.join(dir, 'all-blank.pdf');
    writeFileSync(emptyFile, writePdf({ pages: blank(120) }));
    const validated = await pool.validate(emptyFile);
    const extracted = await pool.extract(emptyFile);
    expect(validated).toMatchObject({ ok: false, reason: 'NO_TEXT', kind: 'pdf', pages: 120 });
    expect(extracted).toMatchObject({ ok: false, reason: 'NO_TEXT' });
    expect(validated.sha256).toBe(extracted.sha256);
  });

  it('fails a long PDF whose tail is cut off, as extraction does', async () => {
    const whole = writePdf({ pages: Array.from({ length: 60 }, (_, i) => loremLines(5, i + 1)) });
    const file = path.join(dir, 'cut.pdf');
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const [validated, extracted] = await Promise.all([pool.validate(file), pool.extract(file)]);
    expect(validated.ok ? 'ok' : validated.reason).toBe(extracted.ok ? 'ok' : extracted.reason);
  });

  it('finds text in a DOCX body without converting it, and sends a body without runs to the full check', async () => {
    const withText = path.join(dir, 'words.docx');
    writeFileSync(withText, writeDocx(loremLines(2_000, 3)));
    expect(await pool.validate(withText)).toMatchObject({ ok: true, kind: 'docx', textHash: null });
    const empty = path.join(dir, 'no-words.docx');
    writeFileSync(empty, writeDocx([]));
    const [validated, extracted] = await Promise.all([pool.validate(empty), pool.extract(empty)]);
    expect(validated).toMatchObject({ ok: false, reason: 'NO_TEXT', kind: 'docx' });
    expect(extracted).toMatchObject({ ok: false, reason: 'NO_TEXT' });
  });
});
