import type { ApiListResponse } from '../api-types.js';
import type { Handler } from '../context.js';
import type { StoredEntry } from '../entry-store.js';
import { stateOf, toListItem, type EntryState } from '../entry-view.js';
import { apiError, json } from '../reply.js';
import { checkListQuery, type ListQuery } from '../request-validation.js';
import { resolveReplica } from './replica.js';

/** GET /v1/replicas/{replicaUUID}/knowledge-base — filters apply to the status as of now. */
export const listEntries: Handler = (sim, request) => {
  const replica = resolveReplica(sim, request);
  if (!replica.ok) return replica.reply;
  const checked = checkListQuery(request.url.searchParams);
  if (!checked.ok) return apiError(400, request.requestId, checked.detail, { code: 'INVALID_PARAMETER' });
  const query = checked.value;
  const matching = sim.store
    .live(replica.uuid)
    .map((entry) => ({ entry, state: stateOf(entry, sim.config.durations, request.now) }))
    .filter(({ entry, state }) => matches(entry, state, query));
  const direction = query.sortOrder === 'asc' ? 1 : -1;
  matching.sort((a, b) => direction * (a.entry.createdAt - b.entry.createdAt || a.entry.id - b.entry.id));
  const start = (query.page - 1) * query.pageSize;
  const page = query.pageSize === 0 ? [] : matching.slice(start, start + query.pageSize);
  sim.stats.lists++;
  const body: ApiListResponse = {
    success: true,
    items: page.map(({ entry, state }) => toListItem(entry, state, { clockOffsetMs: sim.config.clockOffsetMs, origin: sim.origin })),
    total: matching.length,
  };
  return json(200, body);
};

function matches(entry: StoredEntry, state: EntryState, query: ListQuery): boolean {
  if (query.statuses && !query.statuses.has(state.status)) return false;
  if (query.types && !query.types.has(entry.type)) return false;
  if (query.hasError !== null && (state.error !== null) !== query.hasError) return false;
  if (query.search !== null) {
    const needle = query.search.toLowerCase();
    const haystacks = [entry.title, entry.filename, entry.url];
    if (!haystacks.some((h) => h !== undefined && h.toLowerCase().includes(needle))) return false;
  }
  return true;
}
