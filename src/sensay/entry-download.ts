import { createHash } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import { SensayApiError } from './errors.js';
import { errorMessage } from './http-transport.js';
import type { RequestGate } from './request-limiter.js';
import { parseStorageUrl } from './signed-upload.js';

/**
 * Reads the bytes of an entry's `file.downloadURL` (adoption's proof, DESIGN §12) and hashes
 * them as they stream in; nothing is kept. The URL is a storage link of its own: it gets no
 * Sensay header (never the secret), no redirect is followed, and its query string (a token) is
 * never repeated in errors. Reading stops as soon as more than `maxBytes` arrived: a longer file
 * is not ours, whatever it holds.
 */

export interface DownloadDeps {
  dispatcher: Dispatcher;
  userAgent: string;
  timeoutMs: number;
  /** The client's request limiter: adoption reads count toward requestsPerMinute. */
  limiter: RequestGate;
}

export interface DownloadedDigest {
  /** Bytes read (at most `maxBytes + 1`). */
  bytes: number;
  /** sha256 (hex) of the bytes read; meaningful only when `complete`. */
  sha256: string;
  /** False when the body was longer than `maxBytes` and reading stopped. */
  complete: boolean;
}

export async function downloadDigest(
  deps: DownloadDeps,
  downloadURL: string,
  options: { maxBytes: number; signal?: AbortSignal | undefined },
): Promise<DownloadedDigest> {
  const url = parseStorageUrl(downloadURL, 'GET', 'entry download URL');
  const where = { method: 'GET', path: url.pathname };
  await deps.limiter.acquire(options.signal);
  const timeout = AbortSignal.timeout(deps.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, { dispatcher: deps.dispatcher, method: 'GET', headers: { 'User-Agent': deps.userAgent }, signal });
  } catch (cause) {
    options.signal?.throwIfAborted();
    throw new SensayApiError({ ...where, code: timeout.aborted ? 'TIMEOUT' : 'UNREACHABLE', message: errorMessage(cause), cause });
  }
  if (response.statusCode < 200 || response.statusCode >= 300) {
    await response.body.dump().catch(() => undefined);
    throw new SensayApiError({
      ...where,
      status: response.statusCode,
      code: response.statusCode >= 500 ? 'SERVER_ERROR' : 'UNEXPECTED_RESPONSE',
      message: `download answered ${response.statusCode}`,
    });
  }
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > options.maxBytes) {
        response.body.destroy();
        return { bytes, sha256: '', complete: false };
      }
      hash.update(chunk);
    }
  } catch (cause) {
    options.signal?.throwIfAborted();
    throw new SensayApiError({ ...where, code: 'CONNECTION_RESET', message: errorMessage(cause), cause });
  }
  return { bytes, sha256: hash.digest('hex'), complete: true };
}
