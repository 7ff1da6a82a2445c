import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  decideRetry,
  defaultRetryPolicy,
  type RequestFailure,
  type RequestKind,
} from '../../src/sensay/retry-policy.js';

const policy = { ...defaultRetryPolicy, maxAttempts: 4 };
const half = () => 0.5;

describe('decideRetry: what is tried again', () => {
  const cases: Array<[RequestKind, RequestFailure, 'retry' | 'stop' | 'ambiguous']> = [
    ['idempotent', { kind: 'http', status: 429 }, 'retry'],
    ['idempotent', { kind: 'http', status: 500 }, 'retry'],
    ['idempotent', { kind: 'http', status: 502 }, 'retry'],
    ['idempotent', { kind: 'http', status: 503 }, 'retry'],
    ['idempotent', { kind: 'http', status: 504 }, 'retry'],
    ['idempotent', { kind: 'http', status: 501 }, 'stop'],
    ['idempotent', { kind: 'http', status: 400 }, 'stop'],
    ['idempotent', { kind: 'http', status: 401 }, 'stop'],
    ['idempotent', { kind: 'http', status: 403 }, 'stop'],
    ['idempotent', { kind: 'http', status: 404 }, 'stop'],
    ['idempotent', { kind: 'http', status: 429, quota: true }, 'stop'],
    ['idempotent', { kind: 'network', phase: 'connect' }, 'retry'],
    ['idempotent', { kind: 'network', phase: 'sent' }, 'retry'],
    ['idempotent', { kind: 'timeout' }, 'retry'],
    ['create', { kind: 'http', status: 429 }, 'retry'],
    ['create', { kind: 'http', status: 429, retryAfterMs: 2000 }, 'retry'],
    ['create', { kind: 'http', status: 429, quota: true }, 'stop'],
    ['create', { kind: 'network', phase: 'connect' }, 'retry'],
    ['create', { kind: 'http', status: 500 }, 'ambiguous'],
    ['create', { kind: 'http', status: 503 }, 'ambiguous'],
    ['create', { kind: 'http', status: 501 }, 'ambiguous'],
    ['create', { kind: 'network', phase: 'sent' }, 'ambiguous'],
    ['create', { kind: 'timeout' }, 'ambiguous'],
    ['create', { kind: 'http', status: 400 }, 'stop'],
    ['create', { kind: 'http', status: 409 }, 'stop'],
  ];

  it.each(cases)('%s after %j → %s', (kind, failure, expected) => {
    const decision = decideRetry(kind, failure, 1, policy, half);
    if (expected === 'retry') expect(decision.retry).toBe(true);
    else expect(decision).toMatchObject({ retry: false, ambiguous: expected === 'ambiguous' });
  });

  it('stops after maxAttempts and says so, without calling it ambiguous', () => {
    const failure: RequestFailure = { kind: 'http', status: 503 };
    expect(decideRetry('idempotent', failure, 3, policy, half).retry).toBe(true);
    expect(decideRetry('idempotent', failure, 4, policy, half)).toEqual({ retry: false, reason: 'attempts-exhausted', ambiguous: false });
    expect(decideRetry('create', { kind: 'network', phase: 'connect' }, 4, policy, half)).toMatchObject({ retry: false, ambiguous: false });
  });

  it('waits exactly Retry-After when present, whatever the jitter', () => {
    const failure: RequestFailure = { kind: 'http', status: 429, retryAfterMs: 7000 };
    expect(decideRetry('idempotent', failure, 1, policy, () => 0)).toEqual({ retry: true, delayMs: 7000 });
    expect(decideRetry('create', failure, 2, policy, () => 0.99)).toEqual({ retry: true, delayMs: 7000 });
    expect(decideRetry('idempotent', { kind: 'http', status: 503, retryAfterMs: 1500 }, 1, policy, half)).toEqual({ retry: true, delayMs: 1500 });
  });

  it('raises instead of waiting out a Retry-After longer than maxRetryAfterMs', () => {
    const failure: RequestFailure = { kind: 'http', status: 429, retryAfterMs: 3_600_000 };
    expect(decideRetry('idempotent', failure, 1, policy, half)).toEqual({ retry: false, reason: 'retry-after-too-long', ambiguous: false });
    expect(decideRetry('idempotent', { ...failure, retryAfterMs: 60_000 }, 1, policy, half)).toEqual({ retry: true, delayMs: 60_000 });
  });
});

describe('backoffDelay: capped full jitter', () => {
  it('stays within [0, min(cap, base·2^(n-1))) for every attempt', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(30_000, 500 * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, policy, () => 0)).toBe(0);
      expect(backoffDelay(attempt, policy, () => 0.999_999)).toBe(Math.floor(0.999_999 * ceiling));
      expect(backoffDelay(attempt, policy, () => 0.999_999)).toBeLessThan(ceiling);
    }
  });

  it('doubles the ceiling each attempt until the 30 s cap', () => {
    const delays = [1, 2, 3, 4, 6, 7, 20].map((n) => backoffDelay(n, policy, () => 0.5));
    expect(delays).toEqual([250, 500, 1000, 2000, 8000, 15_000, 15_000]);
  });

  it('uses the injected random source for the jitter', () => {
    const values = [0.1, 0.9];
    const random = () => values.shift() ?? 0;
    expect(backoffDelay(3, policy, random)).toBe(200);
    expect(backoffDelay(3, policy, random)).toBe(1800);
  });
});
