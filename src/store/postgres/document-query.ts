import type { DocumentPage, DocumentQuery } from '../console-state.js';
import { DOCUMENT_ORDER_BY, validatedDocumentQuery } from '../document-query-shape.js';
import { toDocument, type DocumentRow } from '../rows.js';
import { Params, type PgRunner } from './pg-runner.js';

/** The console's table: WHERE, ORDER BY and LIMIT/OFFSET in SQL, and the matching total (as the SQLite adapter's). */
export async function queryDocumentRows(sql: PgRunner, query: DocumentQuery): Promise<DocumentPage> {
  const { sort, offset, limit } = validatedDocumentQuery(query);
  if (query.states !== undefined && query.states.length === 0) return { total: 0, documents: [] };
  const p = new Params();
  const where: string[] = [];
  if (query.states !== undefined) where.push(`state IN (${p.list(query.states)})`);
  if (query.sourceName !== undefined) where.push(`source_name = ${p.add(query.sourceName)}`);
  const search = query.search?.trim() ?? '';
  if (search !== '') {
    const pattern = p.add(`%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(`(rel_path ILIKE ${pattern} ESCAPE '\\' OR CAST(entry_id AS TEXT) = ${p.add(search)})`);
  }
  const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  const counted = await sql.row<{ n: number }>(`SELECT COUNT(*)::int AS n FROM documents${whereSql}`, p.values);
  const direction = query.descending ? 'DESC' : 'ASC';
  const orderSql = DOCUMENT_ORDER_BY[sort]
    .split(', ')
    .map((column) => `${column} ${direction}`)
    .join(', ');
  const rows = await sql.rows<DocumentRow>(
    `SELECT * FROM documents${whereSql} ORDER BY ${orderSql}, id ${direction} LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`,
    p.values,
  );
  return { total: counted?.n ?? 0, documents: rows.map(toDocument) };
}
