/** The scanner's input and output shapes. */
import type { Logger } from 'pino';

export interface KnownStat {
  readonly size: number;
  readonly mtimeMs: number;
}

export interface ScanOptions {
  /** What the store holds, by POSIX relPath; a file whose size and mtime match is not `changed`. */
  readonly known?: ReadonlyMap<string, KnownStat> | undefined;
  /** Aborting makes scanSource reject with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  readonly log: Logger;
  /** File system operations in flight at once (default 64). */
  readonly concurrency?: number | undefined;
}

export interface FoundFile {
  readonly source: string;
  /** Relative to the source root, with `/` separators. */
  readonly relPath: string;
  readonly absPath: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** True when `known` has no entry for the path, or its size or mtime differ (exact compare). */
  readonly changed: boolean;
}

export interface ScanResult {
  readonly source: string;
  /** False when the root or any folder or file could not be examined: plan no deletes. */
  readonly complete: boolean;
  /** The first problem, for people (`source "docs": /x does not exist — is the share mounted?`). */
  readonly problem?: string;
  /** Every problem met, in the order met. */
  readonly problems: readonly string[];
  /** Sorted by relPath (code-unit order). */
  readonly files: readonly FoundFile[];
}
