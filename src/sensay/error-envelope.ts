import { STATUS_CODES } from 'node:http';

/**
 * What an error response says, from either envelope shape (sensay-api.md §6):
 *   schema:  { success, error, error_code?, fingerprint?, request_id, inner_exception? }
 *   S-style: { success, message, code?, fingerprint?, requestID, details? }
 * A body that is not JSON (a proxy's HTML page, an empty body) falls back to the HTTP status text.
 */
export interface ErrorEnvelope {
  message: string;
  apiCode?: string;
  requestId?: string;
  fingerprint?: string;
  detail?: unknown;
}

export function parseErrorEnvelope(status: number, bodyText: string): ErrorEnvelope {
  const fallback = statusText(status);
  const body = parseJsonObject(bodyText);
  if (!body) return { message: fallback };

  const message = textOf(body['error']) ?? textOf(body['message']) ?? fallback;
  const envelope: ErrorEnvelope = { message };
  const apiCode = stringOf(body['error_code']) ?? stringOf(body['code']);
  const requestId = stringOf(body['request_id']) ?? stringOf(body['requestID']) ?? stringOf(body['requestId']);
  const fingerprint = stringOf(body['fingerprint']);
  const detail = body['details'] ?? body['inner_exception'];
  if (apiCode !== undefined) envelope.apiCode = apiCode;
  if (requestId !== undefined) envelope.requestId = requestId;
  if (fingerprint !== undefined) envelope.fingerprint = fingerprint;
  if (detail !== undefined && detail !== null) envelope.detail = detail;
  return envelope;
}

export function statusText(status: number): string {
  const text = STATUS_CODES[status];
  return text ? `${status} ${text}` : `HTTP ${status}`;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** `error` is a string in both documented shapes; an object with a message is tolerated too. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'object' && value !== null) {
    const inner = (value as Record<string, unknown>)['message'];
    if (typeof inner === 'string' && inner.trim() !== '') return inner;
  }
  return undefined;
}

/** Ids and codes are strings in the schema, but a number is accepted rather than lost. */
function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
