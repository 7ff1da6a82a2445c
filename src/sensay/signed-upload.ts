import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat, type FileHandle } from 'node:fs/promises';
import { Transform, pipeline, type Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Clock } from '../clock/clock.js';
import { parseErrorEnvelope } from './error-envelope.js';
import { SensayApiError, SignedUrlExpiredError, codeForStatus, type SensayErrorCode } from './errors.js';
import { errorCode, errorMessage, sendHttp } from './http-transport.js';
import { parseRetryAfter } from './retry-after.js';
import { decideRetry, type RequestFailure, type RetryPolicy } from './retry-policy.js';
import type { UploadFileOptions, UploadResult } from './types.js';

/**
 * PUT a file's bytes to a signed storage URL. The URL is a bearer credential for one object on
 * another origin: it gets no Sensay header at all (no secret, no API version, no user id), no
 * redirect is followed, and its query string (the token) never appears in logs or errors.
 * The PUT is idempotent, so transient failures are retried; the file is re-read for each attempt
 * (from the caller's open descriptor when it gives one, so a file swapped in is never sent).
 */

export interface SignedUploadDeps {
  dispatcher: Dispatcher;
  userAgent: string;
  timeoutMs: number;
  retryPolicy: RetryPolicy;
  clock: Clock;
  log: Logger;
  random: () => number;
}

export async function uploadToSignedUrl(
  deps: SignedUploadDeps,
  signedURL: string,
  filePath: string,
  options: UploadFileOptions = {},
): Promise<UploadResult> {
  const url = parseStorageUrl(signedURL, 'PUT', 'signed upload URL');
  const where = { method: 'PUT', path: url.pathname };

  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    const size = await fileSize(options.handle ?? filePath, where);
    if (options.expectedSize !== undefined && size !== options.expectedSize) {
      throw new SensayApiError({
        ...where,
        code: 'FILE_CHANGED',
        message: `File is ${size} bytes on disk, expected ${options.expectedSize}; not uploaded`,
      });
    }

    const body = hashingReadStream(options.handle ?? filePath);
    const result = await sendHttp({
      dispatcher: deps.dispatcher,
      method: 'PUT',
      url,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size), 'User-Agent': deps.userAgent },
      body: body.stream,
      timeoutMs: deps.timeoutMs,
      signal: options.signal,
    }).finally(() => body.stream.destroy());

    if (result.ok && result.status >= 200 && result.status < 300) {
      if (body.bytes() !== size) {
        throw new SensayApiError({ ...where, code: 'FILE_CHANGED', message: `Sent ${body.bytes()} bytes, file was ${size}` });
      }
      return { bytes: size, sha256: body.sha256(), status: result.status };
    }

    let error: SensayApiError;
    let failure: RequestFailure | undefined;
    if (!result.ok) {
      if (result.phase === 'local') {
        const changed = errorCode(result.error) === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH';
        throw new SensayApiError({
          ...where,
          code: changed ? 'FILE_CHANGED' : 'FILE_UNREADABLE',
          message: changed ? 'File changed size while it was being uploaded' : errorMessage(result.error),
          cause: result.error,
        });
      }
      const code: SensayErrorCode = result.phase === 'connect' ? 'UNREACHABLE' : result.phase === 'timeout' ? 'TIMEOUT' : 'CONNECTION_RESET';
      error = new SensayApiError({ ...where, code, message: errorMessage(result.error), cause: result.error });
      failure = result.phase === 'timeout' ? { kind: 'timeout' } : { kind: 'network', phase: result.phase };
    } else {
      error = httpUploadError(where, result.status, result.bodyText);
      const retryAfterMs = parseRetryAfter(result.headers['retry-after'], deps.clock.now());
      failure = result.status >= 300 && result.status < 400 ? undefined : { kind: 'http', status: result.status, retryAfterMs };
    }

    error.attempts = attempt;
    const decision = failure
      ? decideRetry('idempotent', failure, attempt, deps.retryPolicy, deps.random)
      : ({ retry: false, reason: 'not-retryable' } as const);
    deps.log.warn(
      { ...error.toLogFields(), attempt, ...(decision.retry ? { retryInMs: decision.delayMs } : { final: decision.reason }) },
      'signed upload error',
    );
    if (!decision.retry) throw error;
    await deps.clock.sleep(decision.delayMs, options.signal);
  }
}

/** A storage link the API handed us (signed upload, download): http(s) only. */
export function parseStorageUrl(text: string, method: 'GET' | 'PUT', what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SensayApiError({ method, path: '', code: 'UNEXPECTED_RESPONSE', message: `The ${what} is not a URL` });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SensayApiError({ method, path: url.pathname, code: 'UNEXPECTED_RESPONSE', message: `The ${what} has protocol ${url.protocol}` });
  }
  return url;
}

async function fileSize(file: string | FileHandle, where: { method: string; path: string }): Promise<number> {
  try {
    const info = typeof file === 'string' ? await stat(file) : await file.stat();
    if (!info.isFile()) throw Object.assign(new Error('the upload source is not a regular file'), { code: 'EISDIR' });
    return info.size;
  } catch (cause) {
    throw new SensayApiError({ ...where, code: 'FILE_UNREADABLE', message: errorMessage(cause), cause });
  }
}

function httpUploadError(where: { method: string; path: string }, status: number, bodyText: string): SensayApiError {
  const envelope = parseErrorEnvelope(status, bodyText);
  const data = { ...where, status, message: envelope.message, apiCode: envelope.apiCode, requestId: envelope.requestId };
  // Storage answers an expired or tampered token with 400/401/403 depending on the vendor.
  if (status === 400 || status === 401 || status === 403) return new SignedUrlExpiredError(data);
  const code = codeForStatus(status);
  const generic = code === 'RATE_LIMITED' || code === 'SERVER_ERROR' || code === 'UNEXPECTED_REDIRECT' || status < 400;
  return new SensayApiError({ ...data, code: generic ? code : 'UPLOAD_REJECTED' });
}

/**
 * The file as a stream, hashing and counting exactly the bytes handed to the socket. An open
 * descriptor is read from its start each attempt and left open (its owner closes it).
 */
function hashingReadStream(file: string | FileHandle): { stream: Readable; bytes: () => number; sha256: () => string } {
  const hash = createHash('sha256');
  let bytes = 0;
  const hasher = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  // pipeline() forwards a read error (file vanished, EIO) to the stream undici is consuming.
  const source = typeof file === 'string' ? createReadStream(file) : file.createReadStream({ start: 0, autoClose: false });
  const stream = pipeline(source, hasher, () => {});
  return { stream, bytes: () => bytes, sha256: () => hash.digest('hex') };
}
