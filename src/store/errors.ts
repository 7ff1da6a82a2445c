/**
 * Why the state store could not do what was asked. Branch on `code`, never on message text.
 * Expected outcomes (a document in the wrong state, no job to claim, budget full) are values,
 * not errors: a StoreError means the state file itself is unusable or a caller broke the port's
 * contract.
 */
export type StoreErrorCode =
  /** The file is not a database at all, or a page read was found damaged (`doctor` finds the rest). */
  | 'STORE_CORRUPT'
  /** The file was written by a newer sensay-ingest (schema version above what this code knows). */
  | 'STORE_TOO_NEW'
  /** The file or its folder could not be created or opened (permissions, missing mount). */
  | 'STORE_UNAVAILABLE'
  /** Another process held the write lock for longer than `busyTimeoutMs`. */
  | 'STORE_BUSY'
  /** The disk is full. */
  | 'STORE_FULL'
  /** The file is read-only for this process. */
  | 'STORE_READONLY'
  /** A method was called after `close()`. */
  | 'STORE_CLOSED'
  /** An argument broke the port's contract (a negative limit, an empty owner, ...). */
  | 'STORE_INVALID_ARGUMENT'
  /** Anything else the database reported. */
  | 'STORE_FAILED';

export interface StoreErrorData {
  code: StoreErrorCode;
  message: string;
  /** The state file concerned, when there is one. */
  path?: string | undefined;
  /** The underlying code: SQLite's (`SQLITE_BUSY`, `SQLITE_CORRUPT`, ...) or Node's (`EACCES`, ...). */
  dbCode?: string | undefined;
  cause?: unknown;
}

export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  readonly path: string | undefined;
  readonly dbCode: string | undefined;

  constructor(data: StoreErrorData) {
    super(data.message, data.cause === undefined ? undefined : { cause: data.cause });
    this.code = data.code;
    this.path = data.path;
    this.dbCode = data.dbCode;
  }
}

export function invalidArgument(message: string): StoreError {
  return new StoreError({ code: 'STORE_INVALID_ARGUMENT', message });
}
