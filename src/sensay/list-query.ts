import type { ListEntriesFilters } from './types.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 100;

/**
 * How array filters are serialised. `comma` (`status=A,B`) is what the parameter description
 * asks for; `repeat` (`status=A&status=B`) is OpenAPI's default style. The client starts with
 * `comma` and switches to `repeat` for good if a server refuses a multi-valued comma filter.
 */
export type ArrayStyle = 'comma' | 'repeat';

/** Query string for the list endpoint. */
export function listQuery(filters: ListEntriesFilters, arrayStyle: ArrayStyle = 'comma'): URLSearchParams {
  const query = new URLSearchParams();
  setArray(query, 'status', filters.status, arrayStyle);
  setArray(query, 'type', filters.type, arrayStyle);
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

/** True when the filters carry an array whose serialisation style matters (two or more values). */
export function hasMultiValuedArray(filters: ListEntriesFilters): boolean {
  return (filters.status?.length ?? 0) > 1 || (filters.type?.length ?? 0) > 1;
}

function setArray(query: URLSearchParams, key: string, values: readonly string[] | undefined, style: ArrayStyle): void {
  if (!values || values.length === 0) return;
  if (style === 'comma') query.set(key, values.join(','));
  else for (const value of values) query.append(key, value);
}
