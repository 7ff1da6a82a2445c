import {
  DOCUMENT_STATES,
  type DocumentCountFilter,
  type DocumentFilter,
  type DocumentRecord,
  type DocumentState,
  type ScannedFile,
  type UpsertScannedResult,
} from '../documents.js';
import { changedFields, DOCUMENT_COLUMNS, encodeField, type DocumentPatch } from '../document-patch.js';
import type { JsonObject } from '../json-value.js';

export type { DocumentPatch } from '../document-patch.js';
import { appendEventRow } from './event-log.js';
import { toDocument, type DocumentRow } from '../rows.js';
import { placeholders, type SqlRunner } from './sql-runner.js';

export function loadDocument(sql: SqlRunner, id: number): DocumentRecord | null {
  const row = sql.get<DocumentRow>('SELECT * FROM documents WHERE id = ?', id);
  return row ? toDocument(row) : null;
}

export function documentByPath(sql: SqlRunner, sourceName: string, relPath: string): DocumentRecord | null {
  const row = sql.get<DocumentRow>('SELECT * FROM documents WHERE source_name = ? AND rel_path = ?', sourceName, relPath);
  return row ? toDocument(row) : null;
}

/** A current entry wins over a predecessor, should both ever name the same id. */
export function documentByEntry(sql: SqlRunner, entryId: number): DocumentRecord | null {
  const row =
    sql.get<DocumentRow>('SELECT * FROM documents WHERE entry_id = ? ORDER BY id LIMIT 1', entryId) ??
    sql.get<DocumentRow>('SELECT * FROM documents WHERE previous_entry_id = ? ORDER BY id LIMIT 1', entryId);
  return row ? toDocument(row) : null;
}

export function insertScanned(sql: SqlRunner, file: ScannedFile, now: number): UpsertScannedResult {
  const inserted = sql.run(
    `INSERT INTO documents (source_name, rel_path, replica_uuid, size, mtime_ms, state, discovered_at, updated_at, state_since)
     VALUES (?, ?, ?, ?, ?, 'discovered', ?, ?, ?) ON CONFLICT (source_name, rel_path) DO NOTHING`,
    file.sourceName,
    file.relPath,
    file.replicaUUID,
    file.size,
    file.mtimeMs,
    now,
    now,
    now,
  );
  const document = documentByPath(sql, file.sourceName, file.relPath);
  if (!document) throw new Error(`document ${file.sourceName}:${file.relPath} vanished inside its transaction`);
  if (inserted.changes === 1) {
    appendDocumentEvent(sql, document, now, 'discovered', { size: file.size });
    return { document, change: 'new' };
  }
  if (document.state === 'gone' || document.state === 'deleting') return { document, change: 'reappeared' };
  const same = document.size === file.size && document.mtimeMs === file.mtimeMs;
  return { document, change: same ? 'unchanged' : 'modified' };
}

export function listDocumentRows(sql: SqlRunner, filter: DocumentFilter): DocumentRecord[] {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    params.push(...values);
  };
  if (filter.states !== undefined) {
    if (filter.states.length === 0) return [];
    add(`state IN (${placeholders(filter.states.length)})`, ...filter.states);
  }
  if (filter.sourceName !== undefined) add('source_name = ?', filter.sourceName);
  if (filter.replicaUUID !== undefined) add('replica_uuid = ?', filter.replicaUUID);
  if (filter.textHash !== undefined) add('text_hash = ?', filter.textHash);
  if (filter.duplicateOf !== undefined) add('duplicate_of = ?', filter.duplicateOf);
  if (filter.hasPreviousEntry !== undefined) {
    where.push(filter.hasPreviousEntry ? 'previous_entry_id IS NOT NULL' : 'previous_entry_id IS NULL');
  }
  if (filter.stateSinceBefore !== undefined) add('state_since < ?', filter.stateSinceBefore);
  if (filter.afterId !== undefined) add('id > ?', filter.afterId);
  const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  const limitSql = filter.limit === undefined ? '' : ' LIMIT ?';
  if (filter.limit !== undefined) params.push(filter.limit);
  return sql.all<DocumentRow>(`SELECT * FROM documents${whereSql} ORDER BY id${limitSql}`, ...params).map(toDocument);
}

export function countByState(sql: SqlRunner, filter: DocumentCountFilter): Record<DocumentState, number> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.sourceName !== undefined) {
    where.push('source_name = ?');
    params.push(filter.sourceName);
  }
  if (filter.replicaUUID !== undefined) {
    where.push('replica_uuid = ?');
    params.push(filter.replicaUUID);
  }
  const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  const counts = Object.fromEntries(DOCUMENT_STATES.map((state) => [state, 0])) as Record<DocumentState, number>;
  const rows = sql.all<{ state: DocumentState; n: number }>(
    `SELECT state, COUNT(*) AS n FROM documents${whereSql} GROUP BY state`,
    ...params,
  );
  for (const row of rows) counts[row.state] = row.n;
  return counts;
}

/**
 * Applies the fields of `patch` that differ from `document`, and appends `event` when anything
 * changed. A patch that changes nothing is a repeat of a transition already made: no write, no
 * event.
 */
export function patchDocument(
  sql: SqlRunner,
  document: DocumentRecord,
  patch: DocumentPatch,
  now: number,
  event: { type: string; detail?: JsonObject } | null,
): DocumentRecord {
  const changed = changedFields(document, patch);
  if (changed.length === 0) return document;
  const assignments = changed.map((field) => `${DOCUMENT_COLUMNS[field]} = ?`);
  const values = changed.map((field) => encodeField(field, patch[field]));
  if (changed.includes('state')) {
    assignments.push('state_since = ?');
    values.push(now);
  }
  sql.run(`UPDATE documents SET ${assignments.join(', ')}, updated_at = ? WHERE id = ?`, ...values, now, document.id);
  const updated = loadDocument(sql, document.id);
  if (!updated) throw new Error(`document ${document.id} vanished inside its transaction`);
  if (event) appendDocumentEvent(sql, updated, now, event.type, event.detail);
  return updated;
}

export function appendDocumentEvent(
  sql: SqlRunner,
  document: DocumentRecord,
  at: number,
  type: string,
  detail?: JsonObject,
): void {
  appendEventRow(sql, {
    at,
    type,
    documentId: document.id,
    sourceName: document.sourceName,
    relPath: document.relPath,
    detail: detail ?? null,
  });
}

export function deleteDocumentRow(sql: SqlRunner, id: number): void {
  sql.run('DELETE FROM documents WHERE id = ?', id);
}
