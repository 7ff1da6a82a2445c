/**
 * Reading a file exactly once for extraction, and noticing afterwards whether it changed: hash and
 * parser must see the same bytes, and a file written while we read it is UNSTABLE (retried later),
 * never uploaded half-written.
 */
import type { Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { precheck } from './detect.js';
import { reject, type Rejected } from './extraction.js';

/** What must stay the same between the read and the end of extraction. */
export type FileIdentity = { size: number; mtimeMs: number; ino: number };

export type ReadResult = { ok: true; bytes: Buffer; identity: FileIdentity } | Rejected;

export async function readOnce(filePath: string, maxFileBytes: number): Promise<ReadResult> {
  let handle;
  try {
    handle = await open(filePath, 'r');
  } catch (error) {
    return unreadable(error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return reject('UNREADABLE', 'not a regular file; point the source at files only');
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
    after = await stat(filePath);
  } catch (error) {
    return unreadable(error);
  }
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs || after.ino !== before.ino) {
    return unstable();
  }
  return undefined;
}

export function unstable(): Rejected {
  return reject('UNSTABLE', 'the file changed while it was being read; it will be retried when it settles');
}

function identityOf(stats: Stats): FileIdentity {
  return { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino };
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
