import { describe, expect, it } from 'vitest';
import { parseErrorEnvelope } from '../../src/sensay/error-envelope.js';

describe('parseErrorEnvelope', () => {
  it('reads the schema shape (error, error_code, request_id, inner_exception)', () => {
    const body = JSON.stringify({
      success: false,
      error: 'Usage limit exceeded',
      error_code: 'KNOWLEDGE_BASE_CUSTOM_QUOTA_EXCEEDED',
      fingerprint: 'fp-1',
      request_id: 'req-1',
      inner_exception: { name: 'Boom', message: 'deep' },
    });
    expect(parseErrorEnvelope(429, body)).toEqual({
      message: 'Usage limit exceeded',
      apiCode: 'KNOWLEDGE_BASE_CUSTOM_QUOTA_EXCEEDED',
      fingerprint: 'fp-1',
      requestId: 'req-1',
      detail: { name: 'Boom', message: 'deep' },
    });
  });

  it('reads the troubleshooting-guide shape (message, code, requestID, details)', () => {
    const body = JSON.stringify({ success: false, message: 'Invalid key', code: 'AUTH_FAILED', fingerprint: 'fp-2', requestID: 'req-2', details: { hint: 'x' } });
    expect(parseErrorEnvelope(401, body)).toEqual({
      message: 'Invalid key',
      apiCode: 'AUTH_FAILED',
      fingerprint: 'fp-2',
      requestId: 'req-2',
      detail: { hint: 'x' },
    });
  });

  it('prefers `error` over `message` and `error_code` over `code` when both appear', () => {
    const body = JSON.stringify({ error: 'from error', message: 'from message', error_code: 'A', code: 'B', request_id: 'r1', requestID: 'r2' });
    expect(parseErrorEnvelope(400, body)).toMatchObject({ message: 'from error', apiCode: 'A', requestId: 'r1' });
  });

  it('falls back to the HTTP status text for non-JSON, empty or non-object bodies', () => {
    expect(parseErrorEnvelope(502, '<html><body>Bad gateway</body></html>')).toEqual({ message: '502 Bad Gateway' });
    expect(parseErrorEnvelope(503, '')).toEqual({ message: '503 Service Unavailable' });
    expect(parseErrorEnvelope(500, '["x"]')).toEqual({ message: '500 Internal Server Error' });
    expect(parseErrorEnvelope(599, 'nope')).toEqual({ message: 'HTTP 599' });
  });

  it('keeps a 404 without code or fingerprint readable', () => {
    expect(parseErrorEnvelope(404, JSON.stringify({ success: false, error: 'Not found', request_id: 'r' }))).toEqual({ message: 'Not found', requestId: 'r' });
  });

  it('tolerates an error object and numeric ids', () => {
    expect(parseErrorEnvelope(500, JSON.stringify({ error: { message: 'nested' }, requestID: 42 }))).toEqual({ message: 'nested', requestId: '42' });
  });
});
