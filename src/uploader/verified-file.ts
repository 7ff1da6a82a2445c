/**
 * The file an upload sends: opened without following a link (O_NOFOLLOW), and proven to be the
 * version the scan recorded (device, inode, size) and extraction hashed (sha256) before any byte
 * leaves. The signed-URL PUT then streams from this same descriptor, so a link or another file
 * swapped in under the path after the check changes nothing: it is never uploaded.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { mismatchWith, openNoFollow, type ExpectedFile } from '../extractors/open-no-follow.js';
import type { DocumentRecord } from '../store/store.js';

export type VerifiedFile =
  | { ok: true; handle: FileHandle; close(): Promise<void> }
  /** UNSTABLE: not the scanned file (a link, another inode); CHANGED: other bytes; MISSING/UNREADABLE. */
  | { ok: false; reason: 'UNSTABLE' | 'CHANGED' | 'MISSING' | 'UNREADABLE'; detail: string };

export type RecordedVersion = Pick<DocumentRecord, 'size' | 'sha256'> & Partial<Pick<DocumentRecord, 'dev' | 'ino'>>;

/** What the scan recorded of the file, for the extractor to check its descriptor against. */
export function scannedIdentity(version: RecordedVersion): ExpectedFile | undefined {
  return version.dev != null && version.ino != null ? { dev: version.dev, ino: version.ino, size: version.size } : undefined;
}

export async function openVerified(path: string, version: RecordedVersion): Promise<VerifiedFile> {
  const opened = await openNoFollow(path);
  if (!opened.ok) {
    const code = opened.error.code;
    if (code === 'ELOOP') return { ok: false, reason: 'UNSTABLE', detail: 'the file was replaced by a symbolic link since the scan; links are not followed' };
    return { ok: false, reason: code === 'ENOENT' ? 'MISSING' : 'UNREADABLE', detail: opened.error.message };
  }
  const handle = opened.handle;
  const close = () => handle.close().catch(() => undefined);
  try {
    const refusal = await checkVersion(handle, version);
    if (refusal) {
      await close();
      return refusal;
    }
    return { ok: true, handle, close };
  } catch (error) {
    await close();
    return { ok: false, reason: 'UNREADABLE', detail: (error as Error).message };
  }
}

async function checkVersion(handle: FileHandle, version: RecordedVersion): Promise<Extract<VerifiedFile, { ok: false }> | undefined> {
  const stats = await handle.stat();
  if (!stats.isFile()) return { ok: false, reason: 'UNSTABLE', detail: 'not a regular file any more' };
  const scanned = scannedIdentity(version);
  const mismatch = scanned && mismatchWith(scanned, stats);
  if (mismatch) return { ok: false, reason: 'UNSTABLE', detail: mismatch };
  if (stats.size !== version.size) return { ok: false, reason: 'CHANGED', detail: `file is ${stats.size} bytes, the extracted version ${version.size}` };
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of handle.createReadStream({ start: 0, autoClose: false })) {
    size += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  if (size !== version.size) return { ok: false, reason: 'CHANGED', detail: `file changed while being read (${version.size} → ${size} bytes)` };
  if (hash.digest('hex') !== version.sha256) return { ok: false, reason: 'CHANGED', detail: 'the bytes differ from the extracted version' };
  return undefined;
}
