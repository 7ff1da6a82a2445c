import { describe, expect, it } from 'vitest';
import { describeError, exitCodeForError } from '../../src/cli/error-exit.js';
import { ConfigError } from '../../src/config/errors.js';
import { SensayApiError } from '../../src/sensay/errors.js';

const apiError = (code: ConstructorParameters<typeof SensayApiError>[0]['code'], status?: number) =>
  new SensayApiError({ code, status, method: 'GET', path: '/v1/replicas/r/knowledge-base', message: 'boom', attempts: 4, requestId: 'req-9' });

describe('what a failed command prints and how it exits', () => {
  it('maps failures onto the documented exit codes', () => {
    expect(exitCodeForError(new ConfigError({ code: 'CONFIG_INVALID', summary: 'bad', issues: ['x: y'] }))).toBe(2);
    expect(exitCodeForError(apiError('UNAUTHORIZED', 401))).toBe(3);
    expect(exitCodeForError(apiError('FORBIDDEN', 403))).toBe(3);
    expect(exitCodeForError(apiError('UNREACHABLE'))).toBe(4);
    expect(exitCodeForError(apiError('SERVER_ERROR', 503))).toBe(4);
    // A redirect is a configuration error (api.baseUrl), never a document's problem.
    expect(exitCodeForError(apiError('UNEXPECTED_REDIRECT', 308))).toBe(2);
  });

  it('names api.baseUrl when the API redirects', () => {
    expect(describeError(apiError('UNEXPECTED_REDIRECT', 301))).toMatch(/configuration error: .*api\.baseUrl \(or SENSAY_API_URL\)/);
  });

  it('says what was tried, how often, and what to do', () => {
    const unreachable = describeError(apiError('UNREACHABLE'));
    expect(unreachable).toContain('UNREACHABLE after 4 attempts: GET /v1/replicas/r/knowledge-base: boom (requestId req-9)');
    expect(unreachable).toContain('SENSAY_API_URL');
    expect(describeError(apiError('UNAUTHORIZED', 401))).toContain('SENSAY_ORGANIZATION_SECRET');
    expect(describeError(new ConfigError({ code: 'CONFIG_INVALID', summary: 'Invalid config.', issues: ['sources[0].path: required'] }))).toContain(
      'sources[0].path: required',
    );
  });
});
