import { DOCUMENT_SORT_KEYS, type DocumentQuery, type DocumentSortKey } from './console-state.js';
import { invalidArgument } from './errors.js';

/** What both adapters' console document queries share: the sort columns and the checked paging. */

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

export const DOCUMENT_ORDER_BY: Record<DocumentSortKey, string> = {
  path: 'rel_path',
  source: 'source_name, rel_path',
  state: 'state',
  attempts: 'attempts',
  size: 'size',
  kind: 'kind',
  updated: 'updated_at',
  id: 'id',
};

/** The query's sort, offset and limit, defaulted and checked (INVALID_ARGUMENT). */
export function validatedDocumentQuery(query: DocumentQuery): { sort: DocumentSortKey; offset: number; limit: number } {
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
