import { describe, expect, it } from 'vitest';
import {
  QuotaExceededError,
  SensayApiError,
  SignedUrlExpiredError,
  codeForStatus,
  isQuotaCode,
} from '../../src/sensay/errors.js';

describe('error codes', () => {
  it('maps statuses to stable codes', () => {
    const table: Array<[number, string]> = [
      [400, 'BAD_REQUEST'],
      [401, 'UNAUTHORIZED'],
      [403, 'FORBIDDEN'],
      [404, 'NOT_FOUND'],
      [409, 'CONFLICT'],
      [413, 'PAYLOAD_TOO_LARGE'],
      [415, 'UNSUPPORTED_MEDIA_TYPE'],
      [418, 'HTTP_ERROR'],
      [429, 'RATE_LIMITED'],
      [500, 'SERVER_ERROR'],
      [503, 'SERVER_ERROR'],
      [302, 'UNEXPECTED_REDIRECT'],
      [307, 'UNEXPECTED_REDIRECT'],
    ];
    for (const [status, code] of table) expect([status, codeForStatus(status)]).toEqual([status, code]);
  });

  it('splits a quota 429 from a throttling 429 by the API code', () => {
    expect(isQuotaCode('KNOWLEDGE_BASE_CUSTOM_QUOTA_EXCEEDED')).toBe(true);
    expect(isQuotaCode('quota_exceeded')).toBe(true);
    expect(isQuotaCode('RATE_LIMITED')).toBe(false);
    expect(isQuotaCode(undefined)).toBe(false);
    expect(codeForStatus(429, 'KNOWLEDGE_BASE_CUSTOM_QUOTA_EXCEEDED')).toBe('QUOTA_EXCEEDED');
  });

  it('subclasses keep the base class, their code and their data', () => {
    const quota = new QuotaExceededError({ method: 'POST', path: '/v1/x', status: 429, message: 'quota', apiCode: 'Q_QUOTA', requestId: 'r' });
    expect(quota).toBeInstanceOf(SensayApiError);
    expect(quota).toMatchObject({ code: 'QUOTA_EXCEEDED', status: 429, apiCode: 'Q_QUOTA', requestId: 'r', name: 'QuotaExceededError' });
    const expired = new SignedUrlExpiredError({ method: 'PUT', path: '/o', status: 403, message: 'expired' });
    expect(expired).toBeInstanceOf(SensayApiError);
    expect(expired.code).toBe('SIGNED_URL_EXPIRED');
  });

  it('log fields carry what an operator needs and nothing else', () => {
    const error = new SensayApiError({ code: 'SERVER_ERROR', method: 'GET', path: '/v1/p', status: 500, message: 'boom', requestId: 'r', fingerprint: 'f', apiCode: 'X' });
    expect(Object.keys(error.toLogFields()).sort()).toEqual(
      ['apiCode', 'code', 'fingerprint', 'message', 'method', 'path', 'requestId', 'retryAfterMs', 'status'].sort(),
    );
  });
});
