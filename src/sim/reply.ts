import { randomBytes } from 'node:crypto';

/** What a handler decides; the server turns it into bytes on the wire (or into silence). */
export type Reply =
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown; readonly headers?: Readonly<Record<string, string>> }
  | { readonly kind: 'text'; readonly status: number; readonly body: string | Buffer; readonly contentType: string }
  /** Processed but never answered: hold the connection until the client leaves. */
  | { readonly kind: 'hang' }
  /** Destroy the socket without an answer. */
  | { readonly kind: 'drop' };

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply =>
  headers ? { kind: 'json', status, body, headers } : { kind: 'json', status, body };

export function newFingerprint(): string {
  return randomBytes(16).toString('hex');
}

/** Shaped like the API's ids (`xyz1::reg1:reg1::ab3c4-1234567890123-0123456789ab`). */
export function newRequestId(sequence: number, now: number): string {
  return `sim1::lo1:lo1::${sequence.toString(36).padStart(5, '0')}-${now}-${randomBytes(6).toString('hex')}`;
}

export interface ErrorDetails {
  readonly code?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The error envelope, in the shape the schema gives each status: 404 carries no fingerprint or
 * code (ErrorNotFound), 500 carries `inner_exception` (ErrorInternal), the rest `error_code`
 * when there is one (ErrorWithCode / ErrorUsageLimitExceeded).
 */
export function apiError(status: number, requestId: string, message: string, details: ErrorDetails = {}): Reply {
  const headers = details.headers ? { ...details.headers } : undefined;
  if (status === 404) return json(status, { success: false, error: message, request_id: requestId }, headers);
  const body: Record<string, unknown> = { success: false, error: message, fingerprint: newFingerprint(), request_id: requestId };
  if (details.code !== undefined) body.error_code = details.code;
  if (status === 500) {
    body.inner_exception = { name: 'SimulatedInternalError', message, cause: 'injected by the Sensay simulator' };
  }
  return json(status, body, headers);
}

const GATEWAY_PAGE = (status: number) =>
  `<html><head><title>${status} Service Unavailable</title></head><body><h1>${status}</h1><p>upstream unavailable (simulated)</p></body></html>`;

/** An injected 5xx in one of the bodies a client meets in the wild. */
export function injectedError(status: number, body: 'envelope' | 'html' | 'empty', requestId: string): Reply {
  if (body === 'html') return { kind: 'text', status, body: GATEWAY_PAGE(status), contentType: 'text/html; charset=utf-8' };
  if (body === 'empty') return { kind: 'text', status, body: '', contentType: 'text/plain' };
  return apiError(status, requestId, `Simulated server error (${status})`, status === 500 ? {} : { code: 'SIMULATED_SERVER_ERROR' });
}
