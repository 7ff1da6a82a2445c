import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { runExtract, type ExtractJsonRow } from '../../src/cli/commands/extract.js';
import { ExitCode, type CliIo } from '../../src/cli/io.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/extract');
const fx = (name: string) => path.join(fixtures, name);

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, isTTY: false, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

// Each test starts its own workers from the TypeScript sources: slow on a loaded machine.
describe('sensay-ingest extract', { timeout: 120_000 }, () => {
  it('prints one JSON array in argument order and exits 1 when any file is rejected', async () => {
    const io = capture();
    const files = [fx('text.pdf'), fx('encrypted.pdf'), fx('cp1251.txt'), fx('docx-named.pdf')];
    const code = await runExtract(files, { json: true, full: false, config: { workers: 2 } }, io);
    expect(code).toBe(ExitCode.DOCUMENT_PROBLEM);
    expect(io.stdout).toHaveLength(1);
    const rows = JSON.parse(io.stdout[0] as string) as ExtractJsonRow[];
    expect(rows.map((r) => [r.path, r.ok, r.reason])).toEqual([
      [files[0], true, null],
      [files[1], false, 'ENCRYPTED'],
      [files[2], true, null],
      [files[3], false, 'TYPE_MISMATCH'],
    ]);
    expect(rows[0]).toMatchObject({ kind: 'pdf', pages: 2, chars: 87, encoding: null, detail: null });
    expect(rows[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[2]).toMatchObject({ kind: 'txt', encoding: 'windows-1251' });
    expect(rows[3]?.detail).toContain('named .pdf but the content is a DOCX (ZIP)');
    expect(Object.keys(rows[0] ?? {})).not.toContain('text');
  });

  it('adds the whole text with --full and exits 0 when every file is accepted', async () => {
    const io = capture();
    const code = await runExtract([fx('many-pages.pdf'), fx('utf8.md')], { json: true, full: true, config: { workers: 2 } }, io);
    expect(code).toBe(ExitCode.OK);
    const [pdf, md] = JSON.parse(io.stdout[0] as string) as ExtractJsonRow[];
    expect(pdf?.text?.length).toBeGreaterThan(1_000_000);
    expect(Array.from(pdf?.preview ?? '').length).toBe(301);
    expect(md?.text).toBe(md?.preview);
  });

  it('splits one large PDF across the workers, as the daemon does (the pool is not cut to one worker per file)', async () => {
    const records: { msg?: string; parts?: number }[] = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => void records.push(JSON.parse(line) as { msg?: string }) });
    const io = capture();
    const code = await runExtract([fx('many-pages.pdf')], { json: true, full: true, config: { workers: 2, pdfSplit: { minBytes: 1 } }, log }, io);
    expect(code).toBe(ExitCode.OK);
    expect(records.find((r) => r.msg === 'pdf split across workers')).toMatchObject({ parts: 2 });
    expect(((JSON.parse(io.stdout[0] as string) as ExtractJsonRow[])[0]?.text ?? '').length).toBeGreaterThan(1_000_000);
  });

  it('shows people kind, size, hash, encoding and a preview, or the reason and detail', async () => {
    const io = capture();
    const code = await runExtract([fx('latin1.txt'), fx('empty.md')], { json: false, full: false }, io);
    expect(code).toBe(ExitCode.DOCUMENT_PROBLEM);
    const text = io.stdout.join('\n');
    expect(text).toContain('kind: txt, 69 B, 68 chars');
    expect(text).toContain('encoding: windows-1252');
    expect(text).toContain('Les élèves étaient');
    expect(text).toMatch(/rejected: EMPTY_FILE — the file is empty/);
  });

  it('is a usage error without files', async () => {
    const io = capture();
    expect(await runExtract([], { json: true, full: false }, io)).toBe(ExitCode.USAGE);
    expect(io.stdout).toEqual([]);
  });
});
