import type { EntryPage, KnowledgeBaseEntry, ListEntriesFilters } from '../sensay/types.js';
import type { PollerApi } from './poll-types.js';

/**
 * The non-terminal statuses the list filter asks for. Only the schema's five: the API validates
 * the filter against its enum (the simulator answers 400 to `PROCESSING`), so the legacy names
 * cannot be sent. An entry in a legacy or unknown status is found by its single GET instead.
 */
export const LISTED_PROCESSING_STATUSES = ['NEW', 'FILE_UPLOADED', 'RAW_TEXT', 'PROCESSED_TEXT', 'VECTOR_CREATED'] as const;
export const TERMINAL_STATUSES = ['READY', 'UNPROCESSABLE'] as const;

export interface LocateOptions {
  pageSize: number;
  signal?: AbortSignal | undefined;
  /**
   * Epoch ms no later than the server's `createdAt` of any of these entries. Asked only when
   * some ids are left for the READY/UNPROCESSABLE walk, so the common cycle costs no lookup.
   */
  createdNotBefore(entryIds: readonly number[]): Promise<number>;
}

/** Every tracked id: the entry as last seen, or null when the API answered 404. */
export type Sightings = Map<number, KnowledgeBaseEntry | null>;

/**
 * Finds the current state of every tracked entry of one replica at list cost (DESIGN §5):
 * 1. the non-terminal entries, oldest first (new entries append, so pages do not shift under
 *    us), one request per page, stopping once every tracked id is seen;
 * 2. for ids still missing, `hasError=true` newest first, paged only while needed;
 * 3. for ids still missing, READY/UNPROCESSABLE newest first, stopping once all are found or
 *    a page reaches entries older than the oldest missing one (ours are recent);
 * 4. a single GET for each id still missing (404 → gone).
 * With one id left before step 3, its GET is cheaper than a walk, so the walk is skipped.
 */
export async function locateEntries(
  api: PollerApi,
  replicaUUID: string,
  entryIds: readonly number[],
  options: LocateOptions,
): Promise<Sightings> {
  const wanted = new Set(entryIds);
  const sightings: Sightings = new Map();
  const missing = (): number[] => [...wanted].filter((id) => !sightings.has(id));
  const list = async (filters: ListEntriesFilters): Promise<EntryPage> => {
    return api.listEntries(replicaUUID, { ...filters, pageSize: options.pageSize }, { signal: options.signal });
  };
  const record = (page: EntryPage): void => {
    for (const item of page.items) if (wanted.has(item.id) && !sightings.has(item.id)) sightings.set(item.id, item);
  };

  if (wanted.size === 0) return sightings;
  await walk(list, { status: [...LISTED_PROCESSING_STATUSES], sortBy: 'createdAt', sortOrder: 'asc' }, options.pageSize, (page) => {
    record(page);
    return missing().length === 0;
  });
  for (const filters of [{ hasError: true }, { status: [...TERMINAL_STATUSES] }] satisfies ListEntriesFilters[]) {
    const left = missing();
    if (left.length === 0 || ('status' in filters && left.length === 1)) continue;
    const oldest = await options.createdNotBefore(left);
    await walk(list, { ...filters, sortBy: 'createdAt', sortOrder: 'desc' }, options.pageSize, (page) => {
      record(page);
      return missing().length === 0 || olderThan(page, oldest);
    });
  }
  for (const id of missing()) {
    sightings.set(id, await api.getEntry(replicaUUID, id, { signal: options.signal }));
  }
  return sightings;
}

/** Pages through one filter until the pages run out or `done` says enough. */
async function walk(
  list: (filters: ListEntriesFilters) => Promise<EntryPage>,
  filters: ListEntriesFilters,
  pageSize: number,
  done: (page: EntryPage) => boolean,
): Promise<void> {
  for (let page = 1; ; page++) {
    const result = await list({ ...filters, page });
    if (done(result)) return;
    if (result.items.length < pageSize || page * pageSize >= result.total) return;
  }
}

/** Newest first: the last item is the page's oldest; anything beyond it is older still. */
function olderThan(page: EntryPage, bound: number): boolean {
  const last = page.items.at(-1);
  if (last === undefined) return true;
  const createdAt = Date.parse(last.createdAt);
  return Number.isFinite(createdAt) && createdAt < bound;
}
