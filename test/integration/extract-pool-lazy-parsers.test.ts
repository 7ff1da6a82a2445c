/**
 * Workers load pdf.js, mammoth and cheerio on first use (lazy-parser.ts). Here the workers cannot
 * load any of the three (a resolve hook refuses them, as a broken install would): they still
 * start, validate what needs none of them (text, a PDF PDFium reads, a titled HTML page, a DOCX
 * whose body has a text run), and answer a file that needs one WORKER_UNAVAILABLE (examined again
 * later, never CORRUPT) without losing the worker.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loremLines, writePdf } from '../../bench/support/pdf-writer.js';
import { writeDocx } from '../../bench/support/zip-writer.js';
import { createExtractorPool, type ExtractorPool } from '../../src/extractors/pool.js';
import type { ForkWorker } from '../../src/extractors/worker-process.js';

const workerScript = fileURLToPath(new URL('../../src/extractors/worker.ts', import.meta.url));
const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/extract');

const HOOKS = `export async function resolve(specifier, context, next) {
  if (/^(pdf-parse|mammoth|cheerio)$/.test(specifier)) throw new Error('refused by the test: ' + specifier);
  return next(specifier, context);
}`;
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`;

/** The production worker (TypeScript sources, as forkWorker runs them under vitest) without the three libraries. */
const forkWithoutParsers: ForkWorker = (maxWorkerMemoryMb) =>
  fork(workerScript, [], {
    execArgv: ['--import', 'tsx', '--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, `--max-old-space-size=${maxWorkerMemoryMb}`],
    env: {},
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });

describe('a worker whose pdf.js, mammoth and cheerio cannot be loaded', () => {
  let dir: string;
  let pool: ExtractorPool;
  const file = (name: string, content: string | Buffer) => {
    const target = path.join(dir, name);
    writeFileSync(target, content);
    return target;
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lazy-parsers-'));
    pool = createExtractorPool({ workers: 1, log: pino({ level: 'silent' }), taskTimeoutMs: 20_000, fork: forkWithoutParsers });
  });
  afterAll(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts and validates what needs none of them', async () => {
    expect(await pool.validate(path.join(fixtures, 'utf8.md'))).toMatchObject({ ok: true, kind: 'md' });
    expect(await pool.validate(file('text.pdf', writePdf({ pages: [loremLines(5, 1)] })))).toMatchObject({ ok: true, kind: 'pdf' });
    expect(await pool.validate(file('titled.html', '<html><head><title>Minutes</title></head><body><p>x</p></body></html>'))).toMatchObject({ ok: true, kind: 'html' });
    expect(await pool.validate(file('words.docx', writeDocx(loremLines(3, 2))))).toMatchObject({ ok: true, kind: 'docx' });
    expect(pool.stats()).toMatchObject({ workersStarted: 1, startFailures: 0 });
  });

  it('answers a file that needs one of them WORKER_UNAVAILABLE and keeps the worker', async () => {
    const untitled = file('untitled.html', '<html><body><p>Words</p></body></html>');
    const docx = file('words-full.docx', writeDocx(loremLines(3, 3)));
    for (const answer of [await pool.validate(untitled), await pool.extract(docx)]) {
      expect(answer).toMatchObject({ ok: false, reason: 'WORKER_UNAVAILABLE' });
      expect(!answer.ok && answer.detail).toMatch(/could not be loaded .*refused by the test/);
    }
    expect(await pool.validate(path.join(fixtures, 'utf8.md'))).toMatchObject({ ok: true });
    expect(pool.stats()).toMatchObject({ workersStarted: 1, startFailures: 0 });
  });
});
