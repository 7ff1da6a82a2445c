import { describe, expect, it } from 'vitest';
import { attemptBackoffMs, decideAfterAttempt, OUTAGE_CAP_MS, outageBackoffMs } from '../../src/uploader/attempt-policy.js';

const NOW = Date.UTC(2026, 0, 1);
const LIMITS = { maxAttempts: 3, recreateBackoffSeconds: 60 };
const noJitter = () => 0;
const fullJitter = () => 1;

describe('attempts (a slot spent that did not end in a complete entry)', () => {
  it('retries after recreateBackoffSeconds × 2^(n−1) until maxAttempts are spent, then fails', () => {
    expect(decideAfterAttempt(1, LIMITS, NOW, noJitter)).toEqual({ action: 'retry', notBefore: NOW + 60_000, attempt: 2 });
    expect(decideAfterAttempt(2, LIMITS, NOW, noJitter)).toEqual({ action: 'retry', notBefore: NOW + 120_000, attempt: 3 });
    expect(decideAfterAttempt(3, LIMITS, NOW, noJitter)).toEqual({ action: 'fail', attempts: 3 });
    expect(decideAfterAttempt(7, LIMITS, NOW, noJitter)).toEqual({ action: 'fail', attempts: 7 });
    expect(decideAfterAttempt(1, { maxAttempts: 1, recreateBackoffSeconds: 60 }, NOW, noJitter)).toEqual({ action: 'fail', attempts: 1 });
  });

  it('adds up to 20 % jitter, never waiting less than the nominal backoff', () => {
    expect(attemptBackoffMs(1, 60, noJitter)).toBe(60_000);
    expect(attemptBackoffMs(1, 60, fullJitter)).toBe(72_000);
    expect(attemptBackoffMs(3, 10, () => 0.5)).toBe(44_000);
    // A random source out of range is clamped, not trusted.
    expect(attemptBackoffMs(1, 60, () => 7)).toBe(72_000);
    expect(attemptBackoffMs(1, 60, () => -1)).toBe(60_000);
  });

  it('rejects counts and limits that make no sense', () => {
    expect(() => decideAfterAttempt(-1, LIMITS, NOW, noJitter)).toThrow(/attempts/);
    expect(() => decideAfterAttempt(1, { maxAttempts: 0, recreateBackoffSeconds: 60 }, NOW, noJitter)).toThrow(/maxAttempts/);
    expect(() => attemptBackoffMs(1, Number.NaN, noJitter)).toThrow(/recreateBackoffSeconds/);
  });
});

describe('outages (the API failed a create that created nothing)', () => {
  it('waits 5 s, doubling, with jitter, capped at 5 minutes', () => {
    expect([1, 2, 3, 4, 5, 6].map((k) => outageBackoffMs(k, noJitter))).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000]);
    expect(outageBackoffMs(7, noJitter)).toBe(OUTAGE_CAP_MS);
    expect(outageBackoffMs(60, fullJitter)).toBe(OUTAGE_CAP_MS);
    expect(outageBackoffMs(1, fullJitter)).toBe(6_000);
    expect(outageBackoffMs(6, fullJitter)).toBe(192_000);
    expect(() => outageBackoffMs(0, noJitter)).toThrow(/outages/);
  });
});
