import { systemClock } from '../../clock/clock.js';
import { budgetScope, UPLOAD_WINDOW_MS } from '../../engine/budget-scope.js';
import { documentTotals } from '../../engine/document-totals.js';
import { summariseState, type EngineSummary } from '../../engine/engine-summary.js';
import { DOCUMENT_STATES } from '../../store/index.js';
import { openState, stateExists, stateLabel } from '../open-state.js';
import { replicasWithoutInPlace, type InPlaceRefusal } from '../../uploader/in-place-support.js';
import type { DocumentRecord, DocumentState, PendingAction } from '../../store/store.js';
import { loadCommandConfig } from '../command-context.js';
import { ExitCode } from '../io.js';
import type { CliContext } from '../main.js';
import { iso, unadoptedJson } from '../present/sync-report.js';
import { listUnadopted } from '../../uploader/unadopted.js';
import { heldDeletesJson } from '../present/held-report.js';
import { organisationJson, presentStatus, type StatusDocument, type StatusJson } from '../present/status-report.js';
import { organisationView } from '../../hosts/host-view.js';

type StatusFlags = { config?: string; json?: boolean };

/**
 * `status`: what the state file says, read-only. Needs neither the secret nor the API, and
 * never creates the state file.
 */
export async function runStatusCommand(flags: StatusFlags, ctx: CliContext): Promise<number> {
  const config = loadCommandConfig(flags.config, ctx);
  const budget = { scope: budgetScope(config.api.baseUrl), limit: config.limits.uploadsPerHour, windowMs: UPLOAD_WINDOW_MS };
  const now = systemClock.now();
  if (!stateExists(config.state)) {
    presentStatus(emptyStatus(stateLabel(config.state), budget.limit, now), { json: Boolean(flags.json) }, ctx.io);
    return ExitCode.OK;
  }
  const { store } = await openState(config.state, ctx.env);
  try {
    const summary = await summariseState(store, budget, now);
    const rows = await store.listDocuments();
    const documents = rows.filter((doc) => doc.state !== 'gone').map(statusDocument);
    const held = heldDeletesJson(await store.listHeldDeletes(), await store.listDeleteApprovals(), rows);
    const unadopted = unadoptedJson(await listUnadopted(store, config.sources.map((source) => source.replicaUUID)));
    const refused = await replicasWithoutInPlace(store, config.sources.filter((s) => s.mode === 'text').map((s) => s.replicaUUID));
    const organisation = organisationJson(organisationView(rows, await store.listSourceOwners(), await store.listHosts(), now));
    presentStatus(
      {
        ...statusJson(stateLabel(config.state), summary, documents),
        pendingActions: pendingJson(await store.listPendingActions()),
        inPlaceUnsupported: inPlaceRows(refused),
        unadopted,
        heldDeletes: held,
        ...organisation,
      },
      { json: Boolean(flags.json) },
      ctx.io,
    );
    return ExitCode.OK;
  } finally {
    await store.close();
  }
}

function inPlaceRows(refused: ReadonlyMap<string, InPlaceRefusal>): StatusJson['inPlaceUnsupported'] {
  return [...refused].map(([replicaUUID, r]) => ({ replicaUUID, since: new Date(r.at).toISOString(), status: r.status, code: r.code, message: r.message }));
}

function pendingJson(actions: readonly PendingAction[]): StatusJson['pendingActions'] {
  return actions.map((a) => ({ kind: a.kind, source: a.sourceName, requestedAt: new Date(a.requestedAt).toISOString() }));
}

function statusJson(state: string, summary: EngineSummary, documents: StatusDocument[]): Omit<StatusJson, 'unadopted' | 'inPlaceUnsupported' | 'heldDeletes' | 'pendingActions' | 'bySource' | 'hosts'> {
  const b = summary.budget;
  return {
    state,
    initialised: true,
    totals: { ...documentTotals(summary.documents), byState: { ...summary.documents } },
    budget: {
      limit: b.limit,
      used: b.used,
      remaining: b.remaining,
      nextFreeAt: new Date(b.nextFreeAt).toISOString(),
      blockedUntil: iso(b.blockedUntil),
      blockedReason: b.blockedReason,
    },
    paused: summary.paused.map((p) => ({ replicaUUID: p.replicaUUID, reason: p.reason, until: iso(p.until) })),
    pausedSources: summary.pausedSources.map((p) => ({ source: p.sourceName, since: new Date(p.pausedAt).toISOString() })),
    queue: { uploads: summary.eta.uploads, nextUploadAt: iso(summary.nextUploadAt), lastSlotAt: iso(summary.eta.lastSlotAt) },
    documents,
  };
}

function statusDocument(doc: DocumentRecord): StatusDocument {
  return {
    source: doc.sourceName,
    path: doc.relPath,
    state: doc.state,
    attempts: doc.attempts,
    entryId: doc.entryId,
    previousEntryId: doc.previousEntryId,
    lastError: doc.lastError,
    rejectReason: doc.rejectReason,
    rejectDetail: doc.rejectDetail,
    updatedAt: new Date(doc.updatedAt).toISOString(),
  };
}

function emptyStatus(state: string, limit: number, now: number): StatusJson {
  const byState = Object.fromEntries(DOCUMENT_STATES.map((s) => [s, 0])) as Record<DocumentState, number>;
  return {
    state,
    initialised: false,
    totals: { ...documentTotals(byState), byState },
    budget: { limit, used: 0, remaining: limit, nextFreeAt: new Date(now).toISOString(), blockedUntil: null, blockedReason: null },
    paused: [],
    pausedSources: [],
    pendingActions: [],
    queue: { uploads: 0, nextUploadAt: null, lastSlotAt: null },
    inPlaceUnsupported: [],
    documents: [],
    unadopted: [],
    heldDeletes: [],
    bySource: [],
    hosts: [],
  };
}
