/**
 * Opening a file without following a symbolic link, and checking that the open descriptor is the
 * file a scan's `lstat` saw. O_NOFOLLOW guards the path's last component; the device/inode compare
 * catches a folder above it swapped for a link, or another file renamed into place.
 */
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** What the scan's `lstat` saw of a file. */
export type ExpectedFile = { dev: number; ino: number; size: number };

export const READ_NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW;

export type Opened = { ok: true; handle: FileHandle } | { ok: false; error: NodeJS.ErrnoException };

export async function openNoFollow(filePath: string): Promise<Opened> {
  try {
    return { ok: true, handle: await open(filePath, READ_NO_FOLLOW) };
  } catch (error) {
    return { ok: false, error: error as NodeJS.ErrnoException };
  }
}

/** Why the descriptor is not the scanned file, or undefined when it is. */
export function mismatchWith(expected: ExpectedFile, stats: Pick<Stats, 'dev' | 'ino' | 'size'>): string | undefined {
  if (stats.dev !== expected.dev || stats.ino !== expected.ino) {
    return 'the file was replaced since the scan (another device/inode opened under its path)';
  }
  if (stats.size !== expected.size) return `the file changed size since the scan (${expected.size} → ${stats.size} bytes)`;
  return undefined;
}
