/**
 * What the watcher (and a scan diff) tells the engine. Events are hints (STYLE rule 9): the
 * consumer re-stats and hashes before acting, and a missed event is caught by the next scan.
 */
export type ChangeType = 'upsert' | 'remove';

export interface ChangeEvent {
  readonly type: ChangeType;
  /** The source's name. */
  readonly source: string;
  /** Relative to the source root, with `/` separators. */
  readonly relPath: string;
  readonly absPath: string;
}
