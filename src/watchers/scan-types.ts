/** The scanner's input and output shapes. */
import type { Logger } from 'pino';

export interface KnownStat {
  readonly size: number;
  readonly mtimeMs: number;
  /** When recorded: another inode under the path (a file renamed into place) is a change too. */
  readonly ino?: number | null | undefined;
}

export interface ScanOptions {
  /** What the store holds, by POSIX relPath; a file whose size and mtime match is not `changed`. */
  readonly known?: ReadonlyMap<string, KnownStat> | undefined;
  /** Aborting makes scanSource reject with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  readonly log: Logger;
}

export interface FoundFile {
  readonly source: string;
  /** Relative to the source root, with `/` separators. */
  readonly relPath: string;
  readonly absPath: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** Device and inode as `lstat` saw them: extraction and upload open only this very file. */
  readonly dev: number;
  readonly ino: number;
  /** True when `known` has no entry for the path, or its size, mtime or inode differ (exact compare). */
  readonly changed: boolean;
}

export interface ScanResult {
  readonly source: string;
  /** False when the root or any folder or file could not be examined: plan no deletes. */
  readonly complete: boolean;
  /** The device the root folder is on (absent when the root could not be examined). */
  readonly rootDevice?: string;
  /** The first problem, for people (`source "docs": /x does not exist — is the share mounted?`). */
  readonly problem?: string;
  /** Every problem met, in the order met. */
  readonly problems: readonly string[];
  /** Sorted by relPath (code-unit order). */
  readonly files: readonly FoundFile[];
}
