import type { Clock } from '../clock/clock.js';
import { documentTotals } from '../engine/document-totals.js';
import { summariseState } from '../engine/engine-summary.js';
import { DOCUMENT_SORT_KEYS, DOCUMENT_STATES } from '../store/index.js';
import type { DocumentQuery, DocumentSortKey, DocumentState, Store } from '../store/store.js';
import { adviceFor, documentView, type ConditionContext, type DocumentView } from './document-view.js';
import { ConsoleRequestError } from './console-errors.js';
import { holderOf, hostTotals } from './host-totals.js';

/** What the console's reads need: the store, the clock, and the configured sources and budget. */
export interface ConsoleReadDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly sources: readonly { readonly name: string; readonly replicaUUID: string }[];
  readonly budget: { readonly scope: string; readonly limit: number; readonly windowMs: number };
}

/** What makes a document wait, read once per request. */
export async function conditionContext(deps: ConsoleReadDeps): Promise<ConditionContext> {
  const now = deps.clock.now();
  const status = await deps.store.budgetStatus(deps.budget.scope, deps.budget.limit, deps.budget.windowMs, now);
  return {
    now,
    pausedSources: new Set((await deps.store.pausedSources()).map((p) => p.sourceName)),
    pausedReplicas: new Set((await deps.store.pausedReplicas(now)).map((p) => p.replicaUUID)),
    blockedUntil: status.blockedUntil,
    budgetFull: status.remaining === 0,
  };
}

/** `GET /api/documents?state=&source=&q=&sort=&order=&offset=&limit=`. */
export async function documentsPage(deps: ConsoleReadDeps, params: URLSearchParams): Promise<{ total: number; offset: number; limit: number; documents: DocumentView[] }> {
  const query = documentQuery(params);
  const page = await deps.store.queryDocuments(query);
  const ctx = await conditionContext(deps);
  return { total: page.total, offset: query.offset ?? 0, limit: query.limit ?? 50, documents: page.documents.map((doc) => documentView(doc, ctx)) };
}

export function documentQuery(params: URLSearchParams): DocumentQuery {
  const query: DocumentQuery = {};
  const states = params.getAll('state').flatMap((s) => s.split(',')).filter((s) => s !== '');
  for (const state of states) {
    if (!(DOCUMENT_STATES as readonly string[]).includes(state)) throw badParam('state', state, DOCUMENT_STATES.join(', '));
  }
  if (states.length > 0) query.states = states as DocumentState[];
  const source = params.get('source');
  if (source) query.sourceName = source;
  const search = params.get('q');
  if (search) query.search = search.slice(0, 200);
  const sort = params.get('sort');
  if (sort) {
    if (!(DOCUMENT_SORT_KEYS as readonly string[]).includes(sort)) throw badParam('sort', sort, DOCUMENT_SORT_KEYS.join(', '));
    query.sort = sort as DocumentSortKey;
  }
  const order = params.get('order');
  if (order && order !== 'asc' && order !== 'desc') throw badParam('order', order, 'asc, desc');
  query.descending = order === 'desc';
  query.offset = integerParam(params, 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0;
  query.limit = integerParam(params, 'limit', 1, 500) ?? 50;
  return query;
}

/** `GET /api/documents/:id`: the document and its history, newest first. */
export async function documentDetail(deps: ConsoleReadDeps, id: number) {
  const doc = await deps.store.getDocument(id);
  if (!doc) throw new ConsoleRequestError(404, 'NOT_FOUND', `no document has id ${id}`);
  const ctx = await conditionContext(deps);
  const events = await deps.store.listEvents({ documentId: id, newestFirst: true, limit: 200 });
  const jobs = await deps.store.listJobs({ documentId: id, states: ['queued', 'running'] });
  return {
    document: documentView(doc, ctx),
    events: events.map((e) => ({ id: e.id, at: new Date(e.at).toISOString(), type: e.type, detail: e.detail })),
    openJobs: jobs.map((j) => ({ id: j.id, kind: j.kind, state: j.state, notBefore: new Date(j.notBefore).toISOString(), claims: j.claims })),
  };
}

/** `GET /api/totals`: by state, overall, per source (with the host holding it) and per host, with what is paused and pending. */
export async function totals(deps: ConsoleReadDeps) {
  const { store } = deps;
  const now = deps.clock.now();
  const paused = new Map((await store.pausedSources()).map((p) => [p.sourceName, p.pausedAt]));
  const byState = await store.countDocumentsByState();
  const { owners, hosts } = await hostTotals(store, now);
  const ownerOf = new Map(owners.map((o) => [o.sourceName, o]));
  const sources = [];
  for (const source of deps.sources) {
    const counts = await store.countDocumentsByState({ sourceName: source.name });
    const pausedAt = paused.get(source.name);
    sources.push({
      name: source.name,
      replicaUUID: source.replicaUUID,
      holder: holderOf(ownerOf.get(source.name), now),
      paused: pausedAt !== undefined,
      pausedAt: pausedAt === undefined ? null : new Date(pausedAt).toISOString(),
      states: counts,
      totals: documentTotals(counts),
    });
  }
  return {
    at: new Date(now).toISOString(),
    states: byState,
    totals: documentTotals(byState),
    sources,
    /** Per host, over every source registered in the store (several hosts on one PostgreSQL state). */
    hosts,
    quotaPauses: (await store.pausedReplicas(now)).map((p) => ({ replicaUUID: p.replicaUUID, reason: p.reason, until: iso(p.until) })),
    pendingActions: (await store.listPendingActions()).map((a) => ({ kind: a.kind, source: a.sourceName, requestedAt: new Date(a.requestedAt).toISOString() })),
    unknownSources: [...paused.keys()].filter((name) => !deps.sources.some((s) => s.name === name)),
  };
}

/** `GET /api/problems`: rejected files (reason, what to do), failed documents (last error), held deletes. */
export async function problems(deps: ConsoleReadDeps) {
  const { store } = deps;
  const ctx = await conditionContext(deps);
  const rejected = await store.queryDocuments({ states: ['rejected'], sort: 'path', limit: 500 });
  const failed = await store.queryDocuments({ states: ['failed'], sort: 'updated', descending: true, limit: 500 });
  const held = await store.listHeldDeletes();
  const approvals = new Map((await store.listDeleteApprovals()).map((a) => [a.sourceName, a]));
  const heldDeletes = [];
  for (const h of held) {
    const paths = [];
    for (const id of h.documentIds.slice(0, 100)) paths.push((await store.getDocument(id))?.relPath ?? `#${id}`);
    heldDeletes.push({
      source: h.sourceName,
      reason: h.reason,
      detail: h.detail,
      documents: h.documentIds.length,
      paths,
      approvable: h.approvable,
      heldAt: new Date(h.heldAt).toISOString(),
      approvedAt: iso(approvals.get(h.sourceName)?.approvedAt ?? null),
    });
  }
  return {
    rejected: { total: rejected.total, documents: rejected.documents.map((d) => ({ ...documentView(d, ctx), advice: adviceFor(d.rejectReason) })) },
    failed: { total: failed.total, documents: failed.documents.map((d) => documentView(d, ctx)) },
    heldDeletes,
  };
}

/** The engine's summary, as `/healthz` and `status` read it. */
export function summary(deps: ConsoleReadDeps) {
  return summariseState(deps.store, deps.budget, deps.clock.now());
}

function integerParam(params: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw badParam(name, raw, `an integer from ${min} to ${max}`);
  return value;
}

function badParam(name: string, value: string, expected: string): ConsoleRequestError {
  return new ConsoleRequestError(400, 'BAD_REQUEST', `query parameter "${name}": expected ${expected}, got "${value.slice(0, 50)}"`);
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
