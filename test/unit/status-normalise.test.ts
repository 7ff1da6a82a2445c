import { describe, expect, it } from 'vitest';
import { KNOWN_STATUSES, normaliseLookup, normaliseStatus } from '../../src/status/normalise-status.js';
import { isStuck, stuckAt } from '../../src/status/stuck.js';

describe('normaliseStatus: every value of DESIGN §4', () => {
  it.each([
    ['NEW', 'processing'],
    ['FILE_UPLOADED', 'processing'],
    ['RAW_TEXT', 'processing'],
    ['PROCESSED_TEXT', 'processing'],
    ['VECTOR_CREATED', 'processing'],
    ['AWAITING_UPLOAD', 'processing'],
    ['SUPABASE_ONLY', 'processing'],
    ['PROCESSING', 'processing'],
    ['BLANK', 'processing'],
    ['READY', 'ready'],
    ['SYNC_ERROR', 'errored'],
    ['ERR_FILE_PROCESSING', 'errored'],
    ['ERR_TEXT_PROCESSING', 'errored'],
    ['ERR_TEXT_TO_VECTOR', 'errored'],
    ['UNPROCESSABLE', 'failed'],
  ] as const)('%s without an error object → %s', (status, state) => {
    expect(normaliseStatus({ status })).toEqual({ state, status, unknown: false, error: null });
    expect(normaliseStatus({ status, error: null }).state).toBe(state);
  });

  const error = { message: 'vectoriser crashed', fingerprint: 'fp-123' };
  it.each(['NEW', 'FILE_UPLOADED', 'RAW_TEXT', 'PROCESSED_TEXT', 'VECTOR_CREATED', 'READY', 'PROCESSING', 'BLANK', 'SYNC_ERROR'])(
    '%s with an error object → errored, carrying the error',
    (status) => {
      expect(normaliseStatus({ status, error })).toEqual({ state: 'errored', status, unknown: false, error });
    },
  );

  it('treats an error object without fields as an error', () => {
    expect(normaliseStatus({ status: 'RAW_TEXT', error: {} }).state).toBe('errored');
  });

  it('UNPROCESSABLE stays failed for good even with an error object, keeping the error', () => {
    expect(normaliseStatus({ status: 'UNPROCESSABLE', error })).toEqual({
      state: 'failed',
      status: 'UNPROCESSABLE',
      unknown: false,
      error,
    });
  });

  it('an unknown status is processing, flagged so the caller can warn once', () => {
    expect(normaliseStatus({ status: 'QUANTUM_ENTANGLED' })).toEqual({
      state: 'processing',
      status: 'QUANTUM_ENTANGLED',
      unknown: true,
      error: null,
    });
    expect(normaliseStatus({ status: 'QUANTUM_ENTANGLED', error }).state).toBe('errored');
  });

  it('tolerates case and whitespace from servers that are not ours', () => {
    expect(normaliseStatus({ status: ' ready ' })).toMatchObject({ state: 'ready', unknown: false, status: ' ready ' });
  });

  it('knows exactly the statuses of the table', () => {
    expect(new Set(KNOWN_STATUSES).size).toBe(15);
    for (const status of KNOWN_STATUSES) expect(normaliseStatus({ status }).unknown).toBe(false);
  });
});

describe('normaliseLookup: an entry looked up singly', () => {
  it('404 → gone', () => {
    expect(normaliseLookup({ found: false })).toEqual({ state: 'gone' });
  });

  it('found → normalised as usual', () => {
    expect(normaliseLookup({ found: true, entry: { status: 'READY' } })).toMatchObject({ state: 'ready' });
  });
});

describe('isStuck', () => {
  const since = Date.UTC(2026, 0, 1);
  const minute = 60_000;
  it.each([
    [0, false],
    [119 * minute, false],
    [120 * minute, false],
    [120 * minute + 1, true],
    [48 * 60 * minute, true],
  ])('after %i ms with stuckAfterMinutes 120 → %s', (elapsed, stuck) => {
    expect(isStuck({ stateSince: since, now: since + elapsed, stuckAfterMinutes: 120 })).toBe(stuck);
  });

  it('tells when an entry will count as stuck', () => {
    expect(stuckAt(since, 1)).toBe(since + minute);
  });

  it.each([0, -1, Number.NaN])('refuses stuckAfterMinutes %s', (value) => {
    expect(() => isStuck({ stateSince: since, now: since, stuckAfterMinutes: value })).toThrow(RangeError);
  });
});
