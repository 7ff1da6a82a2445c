import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export type FileFingerprint = { ok: true; size: number; sha256: string } | { ok: false; reason: 'MISSING' | 'UNREADABLE'; detail: string };

/** Size and sha256 of the bytes on disk now: the version about to be uploaded must be the one extracted. */
export async function fingerprintFile(path: string): Promise<FileFingerprint> {
  try {
    const info = await stat(path);
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of createReadStream(path)) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      hash.update(buffer);
    }
    if (size !== info.size) return { ok: false, reason: 'UNREADABLE', detail: `file changed while being read (${info.size} → ${size} bytes)` };
    return { ok: true, size, sha256: hash.digest('hex') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? 'MISSING' : 'UNREADABLE', detail: (error as Error).message };
  }
}
