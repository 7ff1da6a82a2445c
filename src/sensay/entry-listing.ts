import type { Logger } from 'pino';
import type { ApiRequester } from './api-requester.js';
import { kbPath, sendIdempotent } from './entry-requests.js';
import { SensayApiError } from './errors.js';
import { hasMultiValuedArray, listQuery, pageSizeOf, type ArrayStyle } from './list-query.js';
import { readEntryPage } from './response-schemas.js';
import type { EntryPage, KnowledgeBaseEntry, ListEntriesFilters, RequestOptions } from './types.js';

/** Listing a replica's entries: one page, every page, every entry, or just the count. */
export interface EntryListing {
  listEntries(replicaUUID: string, filters?: ListEntriesFilters, options?: RequestOptions): Promise<EntryPage>;
  iterateEntryPages(replicaUUID: string, filters?: ListEntriesFilters, options?: RequestOptions): AsyncIterable<EntryPage & { page: number }>;
  iterateEntries(replicaUUID: string, filters?: ListEntriesFilters, options?: RequestOptions): AsyncIterable<KnowledgeBaseEntry>;
  countEntries(replicaUUID: string, filters?: Omit<ListEntriesFilters, 'page' | 'pageSize'>, options?: RequestOptions): Promise<number>;
}

export function createEntryListing(api: ApiRequester, log: Logger): EntryListing {
  const listPage = pageListerLearningArrayStyle(api, log);
  const listing: EntryListing = {
    listEntries: listPage,
    async *iterateEntryPages(replicaUUID, filters = {}, opts = {}) {
      const pageSize = pageSizeOf(filters);
      if (pageSize === 0) throw new RangeError('Expected `pageSize` to be an integer from 1 to 100 when iterating, got `0`');
      // Oldest first by default, so entries created meanwhile do not shift the pages still to come.
      const base: ListEntriesFilters = { sortBy: 'createdAt', sortOrder: 'asc', ...filters, pageSize };
      for (let page = filters.page ?? 1; ; page++) {
        const result = await listPage(replicaUUID, { ...base, page }, opts);
        yield { ...result, page };
        if (result.items.length < pageSize || page * pageSize >= result.total) return;
      }
    },
    async *iterateEntries(replicaUUID, filters = {}, opts = {}) {
      for await (const page of listing.iterateEntryPages(replicaUUID, filters, opts)) yield* page.items;
    },
    async countEntries(replicaUUID, filters = {}, opts = {}) {
      const page = await listPage(replicaUUID, { ...filters, page: undefined, pageSize: 0 }, opts);
      return page.total;
    },
  };
  return listing;
}

/**
 * One page of entries. Multi-valued filters go as `status=A,B` until the server refuses that
 * with a 400; a server that reads only repeated keys then gets `status=A&status=B`, for good.
 */
function pageListerLearningArrayStyle(api: ApiRequester, log: Logger): EntryListing['listEntries'] {
  let arrayStyle: ArrayStyle = 'comma';
  return async (replicaUUID, filters = {}, opts = {}) => {
    const list = (style: ArrayStyle) =>
      sendIdempotent(api, { method: 'GET', path: kbPath(replicaUUID), query: listQuery(filters, style), kind: 'idempotent', signal: opts.signal }, readEntryPage);
    if (arrayStyle === 'repeat' || !hasMultiValuedArray(filters)) return list(arrayStyle);
    try {
      return await list('comma');
    } catch (error) {
      if (!(error instanceof SensayApiError) || error.code !== 'BAD_REQUEST') throw error;
      const page = await list('repeat');
      arrayStyle = 'repeat';
      log.info('list filters: the server wants repeated keys (status=A&status=B); using them from now on');
      return page;
    }
  };
}
