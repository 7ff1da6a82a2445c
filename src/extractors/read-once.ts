/**
 * Reading a file exactly once for extraction, and noticing afterwards whether it changed: hash and
 * parser must see the same bytes, and a file written while we read it is UNSTABLE (retried later),
 * never uploaded half-written.
 *
 * The file is opened without following a link, and the open descriptor must be the file the scan
 * saw (device, inode, size): a link or another file swapped in between is UNSTABLE, never read.
 *
 * The sha256 is taken while reading, chunk by chunk: one pass over bytes still in the cache. A
 * caller may say where the bytes go (`into`), e.g. straight into PDFium's heap, so a 45 MB PDF is
 * neither copied nor held twice. The bytes are read synchronously (readOnce runs in the extraction
 * workers, one file at a time): nothing else runs while a target is filled, so nothing can grow
 * (and detach) that memory under the reader. (Measured on 43 MB: read into a fresh buffer ~130 ms CPU, hashing it ~85 ms;
 * read and hashed in 1 MiB chunks into memory already in use, ~30 ms in all.)
 */
import { createHash } from 'node:crypto';
import { readSync, type Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { precheck } from './detect.js';
import { reject, type Rejected } from './extraction.js';
import { mismatchWith, openNoFollow, type ExpectedFile } from './open-no-follow.js';

export type { ExpectedFile } from './open-no-follow.js';

/** What must stay the same between the read and the end of extraction. */
export type FileIdentity = { size: number; mtimeMs: number; ino: number; dev?: number };

/** `bytes` is what `into` gave (or a Buffer of its own); `sha256` (hex) is of exactly these bytes. */
export type ReadResult<B extends Uint8Array = Buffer> = { ok: true; bytes: B | Buffer; sha256: string; identity: FileIdentity } | Rejected;

/** Where `size` bytes are to be read; undefined lets readOnce allocate a Buffer. */
export type ReadTarget<B extends Uint8Array> = (size: number) => B | undefined;

const CHUNK_BYTES = 1 << 20;

export async function readOnce<B extends Uint8Array = Buffer>(
  filePath: string,
  maxFileBytes: number,
  expected?: ExpectedFile,
  into?: ReadTarget<B>,
): Promise<ReadResult<B>> {
  const opened = await openNoFollow(filePath);
  if (!opened.ok) return opened.error.code === 'ELOOP' ? linkRefused(expected) : unreadable(opened.error);
  const handle = opened.handle;
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return reject('UNREADABLE', 'not a regular file; point the source at files only');
    const mismatch = expected && mismatchWith(expected, stats);
    if (mismatch) return reject('UNSTABLE', `${mismatch}; it is examined again on a later pass`);
    const early = precheck(filePath, stats.size, maxFileBytes);
    if (early) return early;
    const given = into?.(stats.size);
    // Else a Buffer of its own (never a slice of the shared pool): pdf.js may detach it.
    const bytes = given ?? Buffer.allocUnsafeSlow(stats.size);
    const sha256 = readHashed(handle.fd, bytes);
    if (sha256 === undefined) {
      return reject('UNSTABLE', 'the file changed size while it was being read; it will be retried when it settles');
    }
    return { ok: true, bytes, sha256, identity: identityOf(stats) };
  } catch (error) {
    return unreadable(error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Fills `target` from offset 0 and hashes it, a chunk at a time. Undefined when the file ended
 * early or goes on past `target` (it changed size).
 */
function readHashed(fd: number, target: Uint8Array): string | undefined {
  const hash = createHash('sha256');
  const size = target.length;
  for (let offset = 0; offset < size; ) {
    const bytesRead = readSync(fd, target, offset, Math.min(CHUNK_BYTES, size - offset), offset);
    if (bytesRead === 0) return undefined;
    hash.update(target.subarray(offset, offset + bytesRead));
    offset += bytesRead;
  }
  return readSync(fd, Buffer.alloc(1), 0, 1, size) === 0 ? hash.digest('hex') : undefined;
}

export async function changedSince(filePath: string, before: FileIdentity): Promise<Rejected | undefined> {
  let after: Stats;
  try {
    after = await lstat(filePath);
  } catch (error) {
    return unreadable(error);
  }
  const sameDevice = before.dev === undefined || after.dev === before.dev;
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs || after.ino !== before.ino || !sameDevice) {
    return unstable();
  }
  return undefined;
}

export function unstable(): Rejected {
  return reject('UNSTABLE', 'the file changed while it was being read; it will be retried when it settles');
}

function identityOf(stats: Stats): FileIdentity {
  return { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino, dev: stats.dev };
}

/** The path's last component is a symbolic link (O_NOFOLLOW said ELOOP). */
function linkRefused(expected: ExpectedFile | undefined): Rejected {
  return expected
    ? reject('UNSTABLE', 'the file was replaced by a symbolic link since the scan; links are not followed, it is examined again on a later pass')
    : reject('UNREADABLE', 'it is a symbolic link; links are not followed, point at the file itself');
}

function unreadable(error: unknown): Rejected {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT' ? 'the file vanished before it could be read'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied; let the ingest user read it'
    : code === 'EISDIR' ? 'it is a directory, not a file'
    : `it could not be read (${code ?? String(error)})`;
  return reject('UNREADABLE', why);
}
