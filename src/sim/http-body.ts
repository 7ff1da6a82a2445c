import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';

/** Reading a body is an expected-outcome operation: the client may send too much or vanish. */
export type BodyRead<T> = { ok: true; value: T; bytes: number } | { ok: false; reason: 'TOO_LARGE' | 'ABORTED' | 'UNSUPPORTED_ENCODING' | 'CORRUPT'; bytes: number };

/**
 * Consumes the whole body, keeping at most `limit` bytes. Over the limit the rest is still read
 * (and dropped) so the client sees the answer instead of a reset while it is sending.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead<Buffer>> {
  return consume(req, limit, () => {
    const chunks: Buffer[] = [];
    return { add: (chunk) => chunks.push(chunk), done: () => Buffer.concat(chunks) };
  });
}

/** Streams the body through SHA-256 without keeping it. */
export function hashBody(req: IncomingMessage, limit: number): Promise<BodyRead<{ size: number; sha256: string }>> {
  return consume(req, limit, () => {
    const hash = createHash('sha256');
    let size = 0;
    return {
      add: (chunk) => {
        hash.update(chunk);
        size += chunk.length;
      },
      done: () => ({ size, sha256: hash.digest('hex') }),
    };
  });
}

/** Reads and discards whatever is left of the body. */
export function drainBody(req: IncomingMessage): Promise<number> {
  return consume(req, 0, () => ({ add: () => undefined, done: () => undefined })).then((r) => r.bytes);
}

type Sink<T> = { add(chunk: Buffer): void; done(): T };

function consume<T>(req: IncomingMessage, limit: number, makeSink: () => Sink<T>): Promise<BodyRead<T>> {
  const sink = makeSink();
  return new Promise((resolve) => {
    if (req.readableEnded) {
      resolve({ ok: true, value: sink.done(), bytes: 0 });
      return;
    }
    let bytes = 0;
    let tooLarge = false;
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) tooLarge = true;
      if (!tooLarge) sink.add(chunk);
    };
    const finish = (result: BodyRead<T>) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      resolve(result);
    };
    const complete = (): BodyRead<T> => (tooLarge ? { ok: false, reason: 'TOO_LARGE', bytes } : { ok: true, value: sink.done(), bytes });
    const onEnd = () => finish(complete());
    const onClose = () => finish(req.readableEnded ? complete() : { ok: false, reason: 'ABORTED', bytes });
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
  });
}

/** Undoes `Content-Encoding: gzip` (the API lets clients gzip JSON bodies), bounded by `limit`. */
export function decodeBody(raw: Buffer, encoding: string | undefined, limit: number): BodyRead<Buffer> {
  const coding = (encoding ?? 'identity').trim().toLowerCase();
  if (coding === 'identity' || coding === '') return { ok: true, value: raw, bytes: raw.length };
  if (coding !== 'gzip') return { ok: false, reason: 'UNSUPPORTED_ENCODING', bytes: raw.length };
  try {
    return { ok: true, value: gunzipSync(raw, { maxOutputLength: limit }), bytes: raw.length };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { ok: false, reason: code === 'ERR_BUFFER_TOO_LARGE' ? 'TOO_LARGE' : 'CORRUPT', bytes: raw.length };
  }
}
