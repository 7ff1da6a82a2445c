export type * from './store.js';
export { DOCUMENT_STATES } from './documents.js';
export { JOB_KINDS, JOB_STATES, UPLOAD_JOB_KINDS } from './jobs.js';
export { StoreError, type StoreErrorCode } from './errors.js';
export { decideSlot, windowFreeAt, type WindowDecision } from './budget-window.js';
export { openSqliteStore, DEFAULT_BUSY_TIMEOUT_MS, type SqliteStoreOptions } from './sqlite/open-sqlite-store.js';
export type { SqliteStore } from './sqlite/sqlite-store.js';
export type { TextCache } from './text-cache.js';
export { GzipTextCache, MemoryTextCache, textCacheFor } from './files/gzip-text-cache.js';
