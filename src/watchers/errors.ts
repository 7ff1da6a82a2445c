/**
 * Watcher failures. None stops the daemon: the watcher reports them (an `error` event, and a
 * warning in the log), and the engine's scans remain the source of truth.
 */
export type WatchErrorCode =
  /** The source's folder is missing or not a folder; it is watched for its return. */
  | 'SOURCE_UNAVAILABLE'
  /** The OS ran out of watches or descriptors (inotify `ENOSPC`, `EMFILE`). */
  | 'WATCH_LIMIT'
  /** Anything else chokidar reported. */
  | 'WATCH_FAILED';

export class WatchError extends Error {
  override readonly name = 'WatchError';
  readonly code: WatchErrorCode;
  readonly source: string;
  readonly path: string;
  /** The OS error code, when there was one (`ENOENT`, `ENOSPC`, ...). */
  readonly osCode: string | undefined;

  constructor(data: { code: WatchErrorCode; source: string; path: string; osCode?: string | undefined; message: string; cause?: unknown }) {
    super(data.message, data.cause === undefined ? undefined : { cause: data.cause });
    this.code = data.code;
    this.source = data.source;
    this.path = data.path;
    this.osCode = data.osCode;
  }
}
