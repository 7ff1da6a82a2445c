import type { IncomingMessage } from 'node:http';
import { ConsoleRequestError } from './console-errors.js';

const MAX_BODY_BYTES = 16 * 1024;

/** An action's body: JSON (an object), at most 16 KiB; no body is `{}`. */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  if (text.trim() === '') return {};
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ConsoleRequestError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConsoleRequestError(400, 'BAD_REQUEST', 'the body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConsoleRequestError(400, 'BAD_REQUEST', 'expected a JSON object');
  return value as Record<string, unknown>;
}

/** The login form's `token` field (application/x-www-form-urlencoded). */
export async function readFormToken(req: IncomingMessage): Promise<string | null> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) throw new ConsoleRequestError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the login form as application/x-www-form-urlencoded');
  return new URLSearchParams(await readBody(req)).get('token')?.trim() ?? null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ConsoleRequestError(413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
