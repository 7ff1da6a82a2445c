import { StoreError, type StoreErrorCode } from '../errors.js';

/** Turns what better-sqlite3 throws into a StoreError that says what happened and what to do. */
export function toStoreError(error: unknown, path: string): StoreError {
  if (error instanceof StoreError) return error;
  const dbCode = sqliteCode(error);
  const code = codeFor(dbCode);
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreError({ code, message: messageFor(code, path, reason), path, dbCode, cause: error });
}

function sqliteCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function codeFor(dbCode: string | undefined): StoreErrorCode {
  if (dbCode === undefined) return 'STORE_FAILED';
  if (!dbCode.startsWith('SQLITE_')) return fileSystemCode(dbCode);
  if (dbCode.startsWith('SQLITE_BUSY') || dbCode.startsWith('SQLITE_LOCKED')) return 'STORE_BUSY';
  if (dbCode.startsWith('SQLITE_CORRUPT') || dbCode === 'SQLITE_NOTADB') return 'STORE_CORRUPT';
  if (dbCode === 'SQLITE_FULL') return 'STORE_FULL';
  if (dbCode.startsWith('SQLITE_READONLY')) return 'STORE_READONLY';
  if (dbCode.startsWith('SQLITE_CANTOPEN') || dbCode.startsWith('SQLITE_PERM') || dbCode.startsWith('SQLITE_IOERR')) {
    return 'STORE_UNAVAILABLE';
  }
  return 'STORE_FAILED';
}

export function corruptMessage(path: string, findings: string): string {
  return (
    `State file ${path} is damaged (${findings}). Stop every sensay-ingest process using it, move the file ` +
    `(with its -wal and -shm companions) aside, and restore a backup or let sensay-ingest start a new one: ` +
    `documents are then scanned again and matched to the replica's entries by reconciliation.`
  );
}

/** Node's own errors, from creating the folder or opening the file. */
function fileSystemCode(code: string): StoreErrorCode {
  if (code === 'ENOSPC') return 'STORE_FULL';
  if (code === 'EROFS') return 'STORE_READONLY';
  return code.startsWith('E') ? 'STORE_UNAVAILABLE' : 'STORE_FAILED';
}

function messageFor(code: StoreErrorCode, path: string, reason: string): string {
  switch (code) {
    case 'STORE_CORRUPT':
      return corruptMessage(path, reason);
    case 'STORE_BUSY':
      return `State file ${path} stayed locked by another process past the busy timeout (${reason}); try again, or raise the timeout.`;
    case 'STORE_FULL':
      return `Cannot write state file ${path}: the disk is full (${reason}). Free some space and run again.`;
    case 'STORE_READONLY':
      return `Cannot write state file ${path}: it is read-only for this user (${reason}). Fix its permissions and those of its folder.`;
    case 'STORE_UNAVAILABLE':
      return `Cannot open state file ${path} (${reason}). Check that its folder exists and is writable.`;
    default:
      return `State store ${path} failed: ${reason}`;
  }
}
