import { DOCUMENT_SORT_KEYS, type DocumentPage, type DocumentQuery, type DocumentSortKey } from '../console-state.js';
import { invalidArgument } from '../errors.js';
import { toDocument, type DocumentRow } from './rows.js';
import { placeholders, type SqlRunner } from './sql-runner.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

const ORDER_BY: Record<DocumentSortKey, string> = {
  path: 'rel_path',
  source: 'source_name, rel_path',
  state: 'state',
  attempts: 'attempts',
  size: 'size',
  kind: 'kind',
  updated: 'updated_at',
  id: 'id',
};

/** The console's table: WHERE, ORDER BY and LIMIT/OFFSET in SQL, and the matching total. */
export function queryDocumentRows(sql: SqlRunner, query: DocumentQuery): DocumentPage {
  const { sort, offset, limit } = validated(query);
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
  const orderSql = ORDER_BY[sort]
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

function validated(query: DocumentQuery): { sort: DocumentSortKey; offset: number; limit: number } {
  const sort = query.sort ?? 'path';
  if (!DOCUMENT_SORT_KEYS.includes(sort)) throw invalidArgument(`Expected \`sort\` to be one of ${DOCUMENT_SORT_KEYS.join(', ')}, got \`${String(sort)}\``);
  const offset = query.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) throw invalidArgument(`Expected \`offset\` to be an integer >= 0, got \`${String(offset)}\``);
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw invalidArgument(`Expected \`limit\` to be an integer from 1 to ${MAX_LIMIT}, got \`${String(limit)}\``);
  }
  return { sort, offset, limit };
}
