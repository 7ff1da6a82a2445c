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
import { toDocument, type DocumentRow } from '../rows.js';
import { appendEventRow } from './event-log.js';
import { Params, type PgRunner } from './pg-runner.js';

export async function loadDocument(sql: PgRunner, id: number): Promise<DocumentRecord | null> {
  const row = await sql.row<DocumentRow>('SELECT * FROM documents WHERE id = $1', [id]);
  return row ? toDocument(row) : null;
}

/**
 * The document, locked until the transaction ends: every document transition starts here, so
 * two hosts moving one document take turns (jobs are locked after their document, never before).
 */
export async function lockDocument(sql: PgRunner, id: number): Promise<DocumentRecord | null> {
  const row = await sql.row<DocumentRow>('SELECT * FROM documents WHERE id = $1 FOR UPDATE', [id]);
  return row ? toDocument(row) : null;
}

export async function documentByPath(sql: PgRunner, sourceName: string, relPath: string, lock = false): Promise<DocumentRecord | null> {
  const row = await sql.row<DocumentRow>(
    `SELECT * FROM documents WHERE source_name = $1 AND rel_path = $2${lock ? ' FOR UPDATE' : ''}`,
    [sourceName, relPath],
  );
  return row ? toDocument(row) : null;
}

/** A current entry wins over a predecessor, should both ever name the same id. */
export async function documentByEntry(sql: PgRunner, entryId: number): Promise<DocumentRecord | null> {
  const row = await sql.row<DocumentRow>(
    `SELECT * FROM documents WHERE entry_id = $1 OR previous_entry_id = $1
     ORDER BY (entry_id = $1) DESC NULLS LAST, id LIMIT 1`,
    [entryId],
  );
  return row ? toDocument(row) : null;
}

export async function insertScanned(sql: PgRunner, file: ScannedFile, now: number): Promise<UpsertScannedResult> {
  const inserted = await sql.row<DocumentRow>(
    `INSERT INTO documents (source_name, rel_path, replica_uuid, size, mtime_ms, state, discovered_at, updated_at, state_since)
     VALUES ($1, $2, $3, $4, $5, 'discovered', $6, $6, $6) ON CONFLICT (source_name, rel_path) DO NOTHING RETURNING *`,
    [file.sourceName, file.relPath, file.replicaUUID, file.size, file.mtimeMs, now],
  );
  if (inserted) {
    const document = toDocument(inserted);
    await appendDocumentEvent(sql, document, now, 'discovered', { size: file.size });
    return { document, change: 'new' };
  }
  const document = await documentByPath(sql, file.sourceName, file.relPath);
  if (!document) throw new Error(`document ${file.sourceName}:${file.relPath} vanished inside its transaction`);
  if (document.state === 'gone' || document.state === 'deleting') return { document, change: 'reappeared' };
  const same = document.size === file.size && document.mtimeMs === file.mtimeMs;
  return { document, change: same ? 'unchanged' : 'modified' };
}

export async function listDocumentRows(sql: PgRunner, filter: DocumentFilter): Promise<DocumentRecord[]> {
  const p = new Params();
  const where: string[] = [];
  if (filter.states !== undefined) {
    if (filter.states.length === 0) return [];
    where.push(`state IN (${p.list(filter.states)})`);
  }
  if (filter.sourceName !== undefined) where.push(`source_name = ${p.add(filter.sourceName)}`);
  if (filter.replicaUUID !== undefined) where.push(`replica_uuid = ${p.add(filter.replicaUUID)}`);
  if (filter.textHash !== undefined) where.push(`text_hash = ${p.add(filter.textHash)}`);
  if (filter.duplicateOf !== undefined) where.push(`duplicate_of = ${p.add(filter.duplicateOf)}`);
  if (filter.hasPreviousEntry !== undefined) {
    where.push(filter.hasPreviousEntry ? 'previous_entry_id IS NOT NULL' : 'previous_entry_id IS NULL');
  }
  if (filter.stateSinceBefore !== undefined) where.push(`state_since < ${p.add(filter.stateSinceBefore)}`);
  if (filter.afterId !== undefined) where.push(`id > ${p.add(filter.afterId)}`);
  const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  const limitSql = filter.limit === undefined ? '' : ` LIMIT ${p.add(filter.limit)}`;
  const rows = await sql.rows<DocumentRow>(`SELECT * FROM documents${whereSql} ORDER BY id${limitSql}`, p.values);
  return rows.map(toDocument);
}

export async function countByState(sql: PgRunner, filter: DocumentCountFilter): Promise<Record<DocumentState, number>> {
  const p = new Params();
  const where: string[] = [];
  if (filter.sourceName !== undefined) where.push(`source_name = ${p.add(filter.sourceName)}`);
  if (filter.replicaUUID !== undefined) where.push(`replica_uuid = ${p.add(filter.replicaUUID)}`);
  const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  const counts = Object.fromEntries(DOCUMENT_STATES.map((state) => [state, 0])) as Record<DocumentState, number>;
  const rows = await sql.rows<{ state: DocumentState; n: number }>(
    `SELECT state, COUNT(*) AS n FROM documents${whereSql} GROUP BY state`,
    p.values,
  );
  for (const row of rows) counts[row.state] = row.n;
  return counts;
}

/**
 * Applies the fields of `patch` that differ from `document` and appends `event` when anything
 * changed; a patch that changes nothing is a repeat: no write, no event.
 */
export async function patchDocument(
  sql: PgRunner,
  document: DocumentRecord,
  patch: DocumentPatch,
  now: number,
  event: { type: string; detail?: JsonObject } | null,
): Promise<DocumentRecord> {
  const changed = changedFields(document, patch);
  if (changed.length === 0) return document;
  const p = new Params();
  const assignments = changed.map((field) => `${DOCUMENT_COLUMNS[field]} = ${p.add(encodeField(field, patch[field]))}`);
  const at = p.add(now);
  if (changed.includes('state')) assignments.push(`state_since = ${at}`);
  const row = await sql.row<DocumentRow>(
    `UPDATE documents SET ${assignments.join(', ')}, updated_at = ${at} WHERE id = ${p.add(document.id)} RETURNING *`,
    p.values,
  );
  if (!row) throw new Error(`document ${document.id} vanished inside its transaction`);
  const updated = toDocument(row);
  if (event) await appendDocumentEvent(sql, updated, now, event.type, event.detail);
  return updated;
}

export async function appendDocumentEvent(
  sql: PgRunner,
  document: DocumentRecord,
  at: number,
  type: string,
  detail?: JsonObject,
): Promise<void> {
  await appendEventRow(sql, {
    at,
    type,
    documentId: document.id,
    sourceName: document.sourceName,
    relPath: document.relPath,
    detail: detail ?? null,
  });
}

export async function deleteDocumentRow(sql: PgRunner, id: number): Promise<void> {
  await sql.run('DELETE FROM documents WHERE id = $1', [id]);
}
