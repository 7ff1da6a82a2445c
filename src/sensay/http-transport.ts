import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';

/**
 * One HTTP exchange, with failures sorted by what they imply about the request:
 * - `connect`: the connection never opened, so nothing reached the server;
 * - `sent`: the connection broke after the request may have been received;
 * - `timeout`: no complete answer in time (the request may have been received);
 * - `local`: our side could not produce the request body (file changed or unreadable).
 * Redirects are never followed: undici's `request` does not follow them unless an interceptor
 * is installed, and none is, so the secret can never travel to a redirect target.
 */

export interface HttpAttempt {
  dispatcher: Dispatcher;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: URL;
  headers: Record<string, string>;
  body?: string | Buffer | Readable;
  timeoutMs: number;
  signal?: AbortSignal;
}

export type HttpAttemptResult =
  | { ok: true; status: number; headers: IncomingHttpHeaders; bodyText: string }
  | { ok: false; phase: TransportPhase; error: unknown };

export type TransportPhase = 'connect' | 'sent' | 'timeout' | 'local';

/** Raised (never returned) when the caller's own signal aborts: that is not a failure to retry. */
export async function sendHttp(attempt: HttpAttempt): Promise<HttpAttemptResult> {
  const timeout = AbortSignal.timeout(attempt.timeoutMs);
  const signal = attempt.signal ? AbortSignal.any([attempt.signal, timeout]) : timeout;
  try {
    const response = await request(attempt.url, {
      dispatcher: attempt.dispatcher,
      method: attempt.method,
      headers: attempt.headers,
      body: attempt.body ?? null,
      signal,
      headersTimeout: attempt.timeoutMs,
      bodyTimeout: attempt.timeoutMs,
    });
    const bodyText = await response.body.text();
    return { ok: true, status: response.statusCode, headers: response.headers, bodyText };
  } catch (error) {
    if (attempt.signal?.aborted) throw attempt.signal.reason;
    if (timeout.aborted) return { ok: false, phase: 'timeout', error };
    return { ok: false, phase: classifyTransportError(error), error };
  }
}

const CONNECT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const TIMEOUT_CODES: ReadonlySet<string> = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

const LOCAL_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'ENOENT',
  'EACCES',
  'EPERM',
  'EISDIR',
  'EMFILE',
  'ENFILE',
  'EIO',
]);

export function classifyTransportError(error: unknown): TransportPhase {
  const code = errorCode(error);
  if (code === undefined) return 'sent';
  if (CONNECT_CODES.has(code)) return 'connect';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  if (LOCAL_CODES.has(code)) return 'local';
  if (code === 'UND_ERR_INVALID_ARG' || code === 'ERR_INVALID_ARG_TYPE') throw error;
  return 'sent';
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
