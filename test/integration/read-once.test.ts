/**
 * Reading a file once, hashed while it is read (read-once.ts), and a PDF validated from bytes read
 * straight into PDFium's heap (validate-file.ts): the hash is the file's sha256 across chunk
 * boundaries, a file that grows or shrinks between the stat and the read is UNSTABLE, and the heap
 * region is given back after every validation, whatever the verdict.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, truncateSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loremLines, writePdf } from '../../bench/support/pdf-writer.js';
import { loadPdfium } from '../../src/extractors/pdfium-runtime.js';
import { readOnce } from '../../src/extractors/read-once.js';
import { validateFile } from '../../src/extractors/validate-file.js';

let tmp: string;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const MAX = 100 * 1024 * 1024;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'read-once-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('readOnce', () => {
  it('hashes the bytes while reading, across chunk boundaries, into its own buffer or the one given', async () => {
    const file = path.join(tmp, 'chunks.txt');
    // Not a multiple of the 1 MiB chunk, so the last chunk is short.
    const content = Buffer.alloc(3 * 1024 * 1024 + 12_345, 'sensay ');
    await writeFile(file, content);
    const own = await readOnce(file, MAX);
    const target = new Uint8Array(content.length + 100);
    const given = await readOnce(file, MAX, undefined, (size) => target.subarray(50, 50 + size));
    if (!own.ok || !given.ok) throw new Error(`expected ok, got ${JSON.stringify([own, given])}`);
    expect(own.sha256).toBe(sha256(content));
    expect(Buffer.compare(own.bytes, content)).toBe(0);
    expect(given.sha256).toBe(sha256(content));
    expect(given.bytes.byteOffset).toBe(50);
    expect(Buffer.compare(target.subarray(50, 50 + content.length), content)).toBe(0);
  });

  it('says UNSTABLE when the file grows or shrinks between its stat and its read', async () => {
    const file = path.join(tmp, 'moving.txt');
    await writeFile(file, Buffer.alloc(2 * 1024 * 1024, 'a'));
    // `into` runs after the stat and before the read: the file changes under the reader there.
    const grown = await readOnce(file, MAX, undefined, (size) => {
      appendFileSync(file, 'more');
      return new Uint8Array(size);
    });
    expect(grown).toMatchObject({ ok: false, reason: 'UNSTABLE' });
    const shrunk = await readOnce(file, MAX, undefined, (size) => {
      truncateSync(file, 1024 * 1024 + 7);
      return new Uint8Array(size);
    });
    expect(shrunk).toMatchObject({ ok: false, reason: 'UNSTABLE' });
    const settled = await readOnce(file, MAX);
    expect(settled).toMatchObject({ ok: true, sha256: sha256(Buffer.alloc(1024 * 1024 + 7, 'a')) });
  });
});

describe('a PDF validated from PDFium\'s heap', () => {
  it('has the hash of its bytes, agrees with pdf.js, and gives the heap region back every time', async () => {
    const text = path.join(tmp, 'text.pdf');
    const blank = path.join(tmp, 'blank.pdf');
    const broken = path.join(tmp, 'broken.pdf');
    const pdf = writePdf({ pages: Array.from({ length: 400 }, (_, i) => loremLines(60, i + 1)) });
    await writeFile(text, pdf);
    await writeFile(blank, writePdf({ pages: [[], []] }));
    await writeFile(broken, Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(4096, 'x')]));
    const pdfium = await validateFile(text);
    const pdfjs = await validateFile(text, undefined, undefined, 'pdf.js');
    expect(pdfium).toMatchObject({ ok: true, validated: true, sha256: sha256(pdf), bytes: pdf.length, pages: 400 });
    expect(pdfjs).toMatchObject({ ok: true, sha256: sha256(pdf), pages: 400 });

    // A leaked region would grow the heap by the file's size (~1 MB) on every round.
    const heap = async () => (await loadPdfium()).HEAPU8.length;
    const before = await heap();
    for (let round = 0; round < 40; round++) {
      const verdicts = await Promise.all([validateFile(text), validateFile(blank), validateFile(broken)]);
      expect(verdicts.map((v) => (v.ok ? 'ok' : v.reason))).toEqual(['ok', 'NO_TEXT', 'CORRUPT']);
    }
    expect(await heap()).toBeLessThanOrEqual(before + 8 * 1024 * 1024);
  }, 60_000);
});
