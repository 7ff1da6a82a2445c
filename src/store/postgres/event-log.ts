import type { EventFilter, EventRecord } from '../events.js';
import { toEvent, type EventRow, type EventRowInput } from '../rows.js';
import { Params, type PgRunner } from './pg-runner.js';

export type { EventRowInput } from '../rows.js';

export async function appendEventRow(sql: PgRunner, input: EventRowInput): Promise<EventRecord> {
  const row = await sql.row<{ id: number }>(
    'INSERT INTO events (at, document_id, source_name, rel_path, type, detail) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
    [input.at, input.documentId, input.sourceName, input.relPath, input.type, input.detail === null ? null : JSON.stringify(input.detail)],
  );
  if (!row) throw new Error('an event insert returned no id');
  return { id: row.id, ...input };
}

export async function listEventRows(sql: PgRunner, filter: EventFilter): Promise<EventRecord[]> {
  const p = new Params();
  const where: string[] = [];
  if (filter.documentId !== undefined) where.push(`document_id = ${p.add(filter.documentId)}`);
  if (filter.afterId !== undefined) where.push(`id > ${p.add(filter.afterId)}`);
  if (filter.since !== undefined) where.push(`at >= ${p.add(filter.since)}`);
  if (filter.types !== undefined) {
    if (filter.types.length === 0) return [];
    where.push(`type IN (${p.list(filter.types)})`);
  }
  const order = filter.newestFirst ? 'DESC' : 'ASC';
  const limit = filter.limit === undefined ? '' : ` LIMIT ${p.add(filter.limit)}`;
  const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  const rows = await sql.rows<EventRow>(`SELECT * FROM events${whereSql} ORDER BY id ${order}${limit}`, p.values);
  return rows.map(toEvent);
}
