import { describe, expect, it } from 'vitest';
import { backoffMs, decideAfterError, decideWhenGone } from '../../src/status/recreate-policy.js';

const now = Date.UTC(2026, 0, 1);
const lastError = { message: 'embedding failed', fingerprint: 'fp-9' };

describe('decideAfterError', () => {
  it('backs off 60 s, 120 s, 240 s after the 1st, 2nd and 3rd create', () => {
    const waits = [1, 2, 3].map((attempts) => {
      const d = decideAfterError({ attempts, maxAttempts: 4, recreateBackoffSeconds: 60, now, lastError });
      return d.action === 'recreate' ? (d.notBefore - now) / 1000 : null;
    });
    expect(waits).toEqual([60, 120, 240]);
  });

  it('numbers the next attempt', () => {
    expect(decideAfterError({ attempts: 1, maxAttempts: 3, recreateBackoffSeconds: 1, now, lastError })).toEqual({
      action: 'recreate',
      notBefore: now + 1000,
      attempt: 2,
    });
  });

  it('fails after maxAttempts creates in total, keeping the last error', () => {
    const run = (attempts: number) =>
      decideAfterError({ attempts, maxAttempts: 3, recreateBackoffSeconds: 60, now, lastError });
    expect(run(1).action).toBe('recreate');
    expect(run(2).action).toBe('recreate');
    expect(run(3)).toEqual({ action: 'fail', reason: 'ATTEMPTS_EXHAUSTED', error: lastError, attempts: 3 });
    expect(run(7).action).toBe('fail');
  });

  it('with maxAttempts 1 never recreates', () => {
    expect(decideAfterError({ attempts: 1, maxAttempts: 1, recreateBackoffSeconds: 60, now, lastError }).action).toBe(
      'fail',
    );
  });

  it('fails UNPROCESSABLE at once, whatever attempts remain', () => {
    expect(
      decideAfterError({ attempts: 1, maxAttempts: 5, recreateBackoffSeconds: 60, now, lastError, permanent: true }),
    ).toEqual({ action: 'fail', reason: 'UNPROCESSABLE', error: lastError, attempts: 1 });
  });

  it.each([
    ['maxAttempts', { maxAttempts: 0 }],
    ['attempts', { attempts: -1 }],
    ['recreateBackoffSeconds', { recreateBackoffSeconds: Number.NaN }],
  ])('refuses a bad %s with a message naming it', (name, over) => {
    const input = { attempts: 1, maxAttempts: 3, recreateBackoffSeconds: 60, now, lastError: null, ...over };
    expect(() => decideAfterError(input)).toThrow(new RegExp(`\`${name}\``));
  });

  it('computes the backoff in milliseconds', () => {
    expect(backoffMs(4, 60)).toBe(480_000);
  });

  it('adds the jitter of every failed attempt when given a random source (never less than the backoff)', () => {
    const input = { attempts: 2, maxAttempts: 3, recreateBackoffSeconds: 60, now, lastError: null };
    expect(decideAfterError({ ...input, random: () => 1 })).toEqual({ action: 'recreate', notBefore: now + 144_000, attempt: 3 });
    expect(decideAfterError({ ...input, random: () => 0 })).toEqual({ action: 'recreate', notBefore: now + 120_000, attempt: 3 });
  });
});

describe('decideWhenGone', () => {
  it('re-uploads when the file still exists', () => {
    expect(decideWhenGone({ fileExists: true })).toEqual({ action: 'reupload', reason: 'ENTRY_GONE' });
  });

  it('forgets the document when its file is gone too', () => {
    expect(decideWhenGone({ fileExists: false })).toEqual({ action: 'forget', reason: 'ENTRY_AND_FILE_GONE' });
  });
});
