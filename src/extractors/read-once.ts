/**
 * Reading a file exactly once for extraction, and noticing afterwards whether it changed: hash and
 * parser must see the same bytes, and a file written while we read it is UNSTABLE (retried later),
 * never uploaded half-written.
 *
 * The file is opened without following a link, and the open descriptor must be the file the scan
 * saw (device, inode, size): a link or another file swapped in between is UNSTABLE, never read.
 */
import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { precheck } from './detect.js';
import { reject, type Rejected } from './extraction.js';
import { mismatchWith, openNoFollow, type ExpectedFile } from './open-no-follow.js';

export type { ExpectedFile } from './open-no-follow.js';

/** What must stay the same between the read and the end of extraction. */
export type FileIdentity = { size: number; mtimeMs: number; ino: number; dev?: number };

export type ReadResult = { ok: true; bytes: Buffer; identity: FileIdentity } | Rejected;

export async function readOnce(filePath: string, maxFileBytes: number, expected?: ExpectedFile): Promise<ReadResult> {
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
    const bytes = await handle.readFile();
    if (bytes.length !== stats.size) {
      return reject('UNSTABLE', 'the file changed size while it was being read; it will be retried when it settles');
    }
    return { ok: true, bytes, identity: identityOf(stats) };
  } catch (error) {
    return unreadable(error);
  } finally {
    await handle.close().catch(() => undefined);
  }
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
