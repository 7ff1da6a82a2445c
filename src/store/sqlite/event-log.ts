import type { EventFilter, EventRecord } from '../events.js';
import { toEvent, type EventRow, type EventRowInput } from '../rows.js';
import { placeholders, type SqlRunner } from './sql-runner.js';

export type { EventRowInput } from '../rows.js';

export function appendEventRow(sql: SqlRunner, input: EventRowInput): EventRecord {
  const result = sql.run(
    'INSERT INTO events (at, document_id, source_name, rel_path, type, detail) VALUES (?, ?, ?, ?, ?, ?)',
    input.at,
    input.documentId,
    input.sourceName,
    input.relPath,
    input.type,
    input.detail === null ? null : JSON.stringify(input.detail),
  );
  return { id: Number(result.lastInsertRowid), ...input };
}

export function listEventRows(sql: SqlRunner, filter: EventFilter): EventRecord[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.documentId !== undefined) {
    where.push('document_id = ?');
    params.push(filter.documentId);
  }
  if (filter.afterId !== undefined) {
    where.push('id > ?');
    params.push(filter.afterId);
  }
  if (filter.since !== undefined) {
    where.push('at >= ?');
    params.push(filter.since);
  }
  if (filter.types !== undefined) {
    if (filter.types.length === 0) return [];
    where.push(`type IN (${placeholders(filter.types.length)})`);
    params.push(...filter.types);
  }
  const order = filter.newestFirst ? 'DESC' : 'ASC';
  const limit = filter.limit === undefined ? '' : ' LIMIT ?';
  if (filter.limit !== undefined) params.push(filter.limit);
  const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  return sql.all<EventRow>(`SELECT * FROM events${whereSql} ORDER BY id ${order}${limit}`, ...params).map(toEvent);
}
