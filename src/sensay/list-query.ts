import type { ListEntriesFilters } from './types.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 100;

/**
 * Query string for the list endpoint. Arrays go as ONE comma-separated value (`status=A,B`):
 * that is what the parameter description asks for, and servers that expect repeated keys
 * (OpenAPI's default style) are the ones that also accept it, not the other way round.
 */
export function listQuery(filters: ListEntriesFilters): URLSearchParams {
  const query = new URLSearchParams();
  if (filters.status && filters.status.length > 0) query.set('status', filters.status.join(','));
  if (filters.type && filters.type.length > 0) query.set('type', filters.type.join(','));
  if (filters.hasError !== undefined) query.set('hasError', filters.hasError ? 'true' : 'false');
  if (filters.search !== undefined) query.set('search', filters.search);
  if (filters.page !== undefined) {
    if (!Number.isInteger(filters.page) || filters.page < 1) {
      throw new RangeError(`Expected \`page\` to be an integer >= 1, got \`${filters.page}\``);
    }
    query.set('page', String(filters.page));
  }
  query.set('pageSize', String(pageSizeOf(filters)));
  if (filters.sortBy !== undefined) query.set('sortBy', filters.sortBy);
  if (filters.sortOrder !== undefined) query.set('sortOrder', filters.sortOrder);
  return query;
}

export function pageSizeOf(filters: ListEntriesFilters): number {
  const size = filters.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw new RangeError(`Expected \`pageSize\` to be an integer from 0 to ${MAX_PAGE_SIZE}, got \`${size}\``);
  }
  return size;
}
