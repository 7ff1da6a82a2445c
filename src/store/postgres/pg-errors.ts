import { StoreError, type StoreErrorCode } from '../errors.js';

/**
 * Turns what node-postgres throws into a StoreError that names the database (`host:port/name`,
 * never the password) and what to do. A connection that broke (PostgreSQL restarting, the
 * network) is STORE_UNAVAILABLE: the daemon retries its step later, a one-shot command exits.
 */
export function toStoreError(error: unknown, target: string): StoreError {
  if (error instanceof StoreError) return error;
  const dbCode = errorCode(error);
  const code = codeFor(dbCode, error);
  const reason = scrubSecrets(error instanceof Error ? error.message : String(error));
  return new StoreError({ code, message: messageFor(code, target, reason), path: target, dbCode, cause: scrubbedCause(error, reason) });
}

/** Whether a failure is the connection's (worth a new client), not the statement's. */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof StoreError) return error.code === 'STORE_UNAVAILABLE';
  const code = errorCode(error);
  if (code !== undefined && (CONNECTION_SQLSTATES.has(code) || code.startsWith('08') || NODE_NETWORK_CODES.has(code))) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection (is )?closed|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(message);
}

/** Two transactions waited on each other, or a serializable snapshot went stale: run it again. */
export function isRetryableConflict(error: unknown): boolean {
  const code = errorCode(error);
  return code === '40P01' || code === '40001';
}

/** Anything that looks like `postgres://user:secret@` or `password=secret` loses the secret. */
export function scrubSecrets(text: string): string {
  return text
    .replace(/(postgres(?:ql)?:\/\/[^:/@\s]*):[^@\s]*@/gi, '$1:***@')
    .replace(/(password\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi, '$1***');
}

const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const NODE_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function codeFor(dbCode: string | undefined, error: unknown): StoreErrorCode {
  if (isConnectionError(error)) return 'STORE_UNAVAILABLE';
  if (dbCode === undefined) return 'STORE_FAILED';
  if (dbCode === '3D000' || dbCode === '28P01' || dbCode === '28000' || dbCode === '42501') return 'STORE_UNAVAILABLE';
  if (isRetryableConflict(error) || dbCode === '55P03' || dbCode === '57014') return 'STORE_BUSY';
  if (dbCode === '53100') return 'STORE_FULL';
  if (dbCode === '25006') return 'STORE_READONLY';
  if (dbCode === 'XX001' || dbCode === 'XX002') return 'STORE_CORRUPT';
  return 'STORE_FAILED';
}

function messageFor(code: StoreErrorCode, target: string, reason: string): string {
  switch (code) {
    case 'STORE_UNAVAILABLE':
      return `Cannot reach the PostgreSQL state store ${target} (${reason}). Check that the server runs and accepts this user; the password comes from state.urlFile, PGPASSWORD or ~/.pgpass.`;
    case 'STORE_BUSY':
      return `PostgreSQL state store ${target} stayed locked by another transaction (${reason}); try again.`;
    case 'STORE_FULL':
      return `Cannot write the PostgreSQL state store ${target}: the server's disk is full (${reason}).`;
    case 'STORE_READONLY':
      return `Cannot write the PostgreSQL state store ${target}: the server is read-only (a standby?) (${reason}).`;
    case 'STORE_CORRUPT':
      return `PostgreSQL state store ${target} reported damaged data (${reason}). Restore it from a backup.`;
    default:
      return `PostgreSQL state store ${target} failed: ${reason}`;
  }
}

/** The cause keeps its code and a scrubbed message, never a connection string. */
function scrubbedCause(error: unknown, message: string): Error {
  const cause = new Error(message);
  const code = errorCode(error);
  if (code !== undefined) Object.assign(cause, { code });
  return cause;
}
