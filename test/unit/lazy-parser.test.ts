import { describe, expect, it } from 'vitest';
import { failureVerdict, lazyLoader, ParserUnavailableError } from '../../src/extractors/lazy-parser.js';

describe('lazyLoader', () => {
  it('loads once, and tries again after a failed load', async () => {
    let calls = 0;
    const load = lazyLoader('lib', async () => {
      calls++;
      if (calls === 1) throw new Error('EMFILE');
      return calls;
    });
    const failed = await load().catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(ParserUnavailableError);
    expect(failed).toMatchObject({ code: 'PARSER_UNAVAILABLE', library: 'lib', message: 'lib could not be loaded (EMFILE)' });
    expect(await load()).toBe(2);
    expect(await load()).toBe(2);
    expect(calls).toBe(2);
  });
});

describe('failureVerdict', () => {
  it('blames the host for a library that cannot be loaded, the file for anything else', () => {
    expect(failureVerdict(new ParserUnavailableError('mammoth', new Error('not found')))).toMatchObject({ ok: false, reason: 'WORKER_UNAVAILABLE' });
    expect(failureVerdict(new TypeError('x is undefined'))).toMatchObject({ ok: false, reason: 'CORRUPT' });
  });
});
