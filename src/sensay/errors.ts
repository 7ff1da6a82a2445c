/**
 * Every failure the Sensay client reports is a SensayApiError with a stable `code`.
 * Callers branch on `code` (and `status`), never on message text.
 */
export type SensayErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'QUOTA_EXCEEDED'
  | 'SERVER_ERROR'
  | 'HTTP_ERROR'
  | 'UNEXPECTED_REDIRECT'
  | 'UNEXPECTED_RESPONSE'
  /** The connection could not be opened: nothing was sent (refused, DNS, connect timeout). */
  | 'UNREACHABLE'
  /** The connection broke after the request was (possibly) sent. */
  | 'CONNECTION_RESET'
  | 'TIMEOUT'
  /** Signed-URL upload: the storage refused the URL (expired or tampered). */
  | 'SIGNED_URL_EXPIRED'
  /** Signed-URL upload: any other refusal by the storage. */
  | 'UPLOAD_REJECTED'
  /** Signed-URL upload: the file on disk is not the size the caller expected, or changed mid-read. */
  | 'FILE_CHANGED'
  /** Signed-URL upload: the file could not be opened or read. */
  | 'FILE_UNREADABLE';

export interface SensayApiErrorData {
  code: SensayErrorCode;
  /** Human text: the API's own message when there is one. Never contains the secret. */
  message: string;
  method: string;
  /** Request path without query string (a signed URL's token lives in the query). */
  path: string;
  status?: number;
  /** The API's own code (`error_code` or `code` in the envelope). */
  apiCode?: string;
  requestId?: string;
  fingerprint?: string;
  retryAfterMs?: number;
  /** `details` or `inner_exception` from the envelope. */
  detail?: unknown;
  /** How many attempts were made before giving up (filled in by the retry loop). */
  attempts?: number;
  cause?: unknown;
}

export class SensayApiError extends Error {
  override readonly name: string = 'SensayApiError';
  readonly code: SensayErrorCode;
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly apiCode: string | undefined;
  readonly requestId: string | undefined;
  readonly fingerprint: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly detail: unknown;
  attempts: number | undefined;

  constructor(data: SensayApiErrorData) {
    super(data.message, data.cause === undefined ? undefined : { cause: data.cause });
    this.code = data.code;
    this.method = data.method;
    this.path = data.path;
    this.status = data.status;
    this.apiCode = data.apiCode;
    this.requestId = data.requestId;
    this.fingerprint = data.fingerprint;
    this.retryAfterMs = data.retryAfterMs;
    this.detail = data.detail;
    this.attempts = data.attempts;
  }

  /** The fields worth a log line; never headers, never bodies of requests. */
  toLogFields(): Record<string, unknown> {
    return {
      status: this.status,
      code: this.code,
      apiCode: this.apiCode,
      requestId: this.requestId,
      fingerprint: this.fingerprint,
      method: this.method,
      path: this.path,
      retryAfterMs: this.retryAfterMs,
      message: this.message,
    };
  }
}

/** A 429 whose API code names a quota: waiting a minute will not help, so it is never retried. */
export class QuotaExceededError extends SensayApiError {
  override readonly name: string = 'QuotaExceededError';
  constructor(data: Omit<SensayApiErrorData, 'code'>) {
    super({ ...data, code: 'QUOTA_EXCEEDED' });
  }
}

/** The storage refused the signed upload URL; the entry must be created again for a fresh URL. */
export class SignedUrlExpiredError extends SensayApiError {
  override readonly name: string = 'SignedUrlExpiredError';
  constructor(data: Omit<SensayApiErrorData, 'code'>) {
    super({ ...data, code: 'SIGNED_URL_EXPIRED' });
  }
}

export function isSensayApiError(value: unknown): value is SensayApiError {
  return value instanceof SensayApiError;
}

/** Codes after which the API cannot be reached at all (CLI exit code 4 territory). */
export const UNREACHABLE_CODES: ReadonlySet<SensayErrorCode> = new Set([
  'UNREACHABLE',
  'CONNECTION_RESET',
  'TIMEOUT',
  'SERVER_ERROR',
]);

/** Codes that mean the credentials are wrong or lack permission (CLI exit code 3 territory). */
export const AUTH_CODES: ReadonlySet<SensayErrorCode> = new Set(['UNAUTHORIZED', 'FORBIDDEN']);

export function isQuotaCode(apiCode: string | undefined): boolean {
  return apiCode !== undefined && apiCode.toUpperCase().includes('QUOTA');
}

/** The stable code for an HTTP error status (a 429 is split further by `isQuotaCode`). */
export function codeForStatus(status: number, apiCode?: string): SensayErrorCode {
  if (status >= 300 && status < 400) return 'UNEXPECTED_REDIRECT';
  switch (status) {
    case 400:
    case 422:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHORIZED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return isQuotaCode(apiCode) ? 'QUOTA_EXCEEDED' : 'RATE_LIMITED';
  }
  if (status >= 500) return 'SERVER_ERROR';
  if (status >= 400) return 'HTTP_ERROR';
  return 'UNEXPECTED_RESPONSE';
}
