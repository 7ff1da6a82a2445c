import type { DocumentPage, DocumentQuery } from '../console-state.js';
import { DOCUMENT_ORDER_BY, validatedDocumentQuery } from '../document-query-shape.js';
import { toDocument, type DocumentRow } from '../rows.js';
import { placeholders, type SqlRunner } from './sql-runner.js';

/** The console's table: WHERE, ORDER BY and LIMIT/OFFSET in SQL, and the matching total. */
export function queryDocumentRows(sql: SqlRunner, query: DocumentQuery): DocumentPage {
  const { sort, offset, limit } = validatedDocumentQuery(query);
  if (query.states !== undefined && query.states.length === 0) return { total: 0, documents: [] };
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.states !== undefined) {
    where.push(`state IN (${placeholders(query.states.length)})`);
    params.push(...query.states);
  }
  if (query.sourceName !== undefined) {
    where.push('source_name = ?');
    params.push(query.sourceName);
  }
  const search = query.search?.trim() ?? '';
  if (search !== '') {
    where.push("(rel_path LIKE ? ESCAPE '\\' OR CAST(entry_id AS TEXT) = ?)");
    params.push(`%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, search);
  }
  const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  const total = sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM documents${whereSql}`, ...params)?.n ?? 0;
  const direction = query.descending ? 'DESC' : 'ASC';
  const orderSql = DOCUMENT_ORDER_BY[sort]
    .split(', ')
    .map((column) => `${column} ${direction}`)
    .join(', ');
  const rows = sql.all<DocumentRow>(
    `SELECT * FROM documents${whereSql} ORDER BY ${orderSql}, id ${direction} LIMIT ? OFFSET ?`,
    ...params,
    limit,
    offset,
  );
  return { total, documents: rows.map(toDocument) };
}
