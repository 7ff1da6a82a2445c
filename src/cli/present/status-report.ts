import type { DocumentState, LastError } from '../../store/store.js';
import type { DocumentTotals } from '../../engine/document-totals.js';
import type { OrganisationView, SourceView } from '../../hosts/host-view.js';
import type { CliIo } from '../io.js';
import { presentUnadopted, type UnadoptedJson } from './sync-report.js';
import { presentHeldDeletes, type HeldDeletesJson } from './held-report.js';

export interface StatusDocument {
  source: string;
  path: string;
  state: DocumentState;
  attempts: number;
  entryId: number | null;
  /** During a replace, or after a failed one: the previous version's entry, still live. */
  previousEntryId: number | null;
  lastError: LastError | null;
  rejectReason: string | null;
  rejectDetail: string | null;
  updatedAt: string;
}

/** `status --json`. */
export interface StatusJson {
  state: string;
  /** False when no state file exists yet (nothing has been synced). */
  initialised: boolean;
  totals: DocumentTotals & { byState: Record<DocumentState, number> };
  budget: { limit: number; used: number; remaining: number; nextFreeAt: string; blockedUntil: string | null; blockedReason: string | null };
  paused: { replicaUUID: string; reason: string; until: string | null }[];
  /** Sources paused by hand (`pause SOURCE`): scanned, but nothing uploaded or deleted for them. */
  pausedSources: { source: string; since: string }[];
  /** Actions recorded for the next run (a "sync now" from a console without a daemon). */
  pendingActions: { kind: string; source: string | null; requestedAt: string }[];
  queue: { uploads: number; nextUploadAt: string | null; lastSlotAt: string | null };
  /** Replicas whose API refused `PATCH { rawText }`: their text documents are replaced, not updated in place. */
  inPlaceUnsupported: { replicaUUID: string; since: string; status: number | null; code: string; message: string }[];
  documents: StatusDocument[];
  /** Entries no document owns, left alone (see `sync --json`). */
  unadopted: UnadoptedJson[];
  /** Deletes the valve held back, per source, with the reason (issue 9 §5). */
  heldDeletes: HeldDeletesJson[];
  /** Every host's documents by source, and the host that holds each source (issue 10 §6). */
  bySource: SourceJson[];
  /** The hosts that ran on this state, with the sources each holds now. */
  hosts: HostJson[];
}

/** A source as every host sees it (see `SourceView`). */
export type SourceJson = SourceView;

export interface HostJson {
  name: string;
  id: string;
  lastSeenAt: string;
  sources: string[];
}

/** The organisation view as JSON (times as ISO strings). */
export function organisationJson(view: OrganisationView): Pick<StatusJson, 'bySource' | 'hosts'> {
  return {
    bySource: view.bySource.map((s) => ({ ...s, documents: { ...s.documents } })),
    hosts: view.hosts.map((h) => ({ name: h.name, id: h.id, lastSeenAt: new Date(h.lastSeenAt).toISOString(), sources: h.sources })),
  };
}

/** One line per source: who holds it and how its documents stand. */
export function presentSources(bySource: readonly SourceJson[], io: CliIo): void {
  if (bySource.length === 0 || (bySource.length === 1 && bySource[0]?.host === null)) return;
  for (const s of bySource) {
    const d = s.documents;
    const holder = s.host === null ? 'no host' : `host ${s.host}${s.asStandby ? ` (standby for ${s.homeHost ?? 'its home host'})` : ''}${s.live ? '' : ' (not running)'}`;
    io.out(`source     ${s.source}: ${holder} · ready ${d.ready} · processing ${d.processing} · queued ${d.queued} · failed ${d.failed}`);
  }
}

export function presentStatus(report: StatusJson, options: { json: boolean }, io: CliIo): void {
  if (options.json) {
    io.out(JSON.stringify(report, null, 2));
    return;
  }
  if (!report.initialised) io.out(`state      ${report.state} (not created yet: run \`sensay-ingest sync\`)`);
  const pathWidth = Math.min(60, Math.max(4, ...report.documents.map((d) => d.path.length)));
  if (report.documents.length > 0) {
    io.out(`${'path'.padEnd(pathWidth)}  ${'state'.padEnd(10)}  tries  entry     last error`);
    for (const doc of report.documents) {
      const entry = doc.entryId === null ? '-' : String(doc.entryId);
      io.out(`${doc.path.padEnd(pathWidth)}  ${doc.state.padEnd(10)}  ${String(doc.attempts).padStart(5)}  ${entry.padEnd(8)}  ${problem(doc)}`);
    }
  }
  const t = report.totals;
  io.out(`totals     ready ${t.ready} · processing ${t.processing} · queued ${t.queued} · failed ${t.failed} · rejected ${t.rejected}`);
  const b = report.budget;
  io.out(`budget     ${b.remaining} of ${b.limit} uploads left this hour; next free slot ${b.remaining > 0 ? 'now' : b.nextFreeAt}`);
  if (b.blockedUntil) io.out(`blocked    until ${b.blockedUntil} (${b.blockedReason ?? 'rate limited'})`);
  presentUnadopted(report.unadopted, io);
  for (const p of report.pausedSources) io.out(`paused     source ${p.source} (since ${p.since}): scanned, nothing uploaded or deleted; \`resume ${p.source}\` ends it`);
  for (const a of report.pendingActions) io.out(`pending    ${a.kind}${a.source ? ` of ${a.source}` : ''} asked at ${a.requestedAt}: done by the next run`);
  for (const p of report.paused) io.out(`paused     replica ${p.replicaUUID}: ${p.reason}${p.until ? ` until ${p.until}` : ''}`);
  for (const r of report.inPlaceUnsupported) {
    const answer = r.status === null ? r.code : `HTTP ${r.status} ${r.code}`;
    io.out(`in-place   replica ${r.replicaUUID} refused PATCH rawText (${answer}, ${r.since}): changed documents are replaced instead`);
  }
  presentSources(report.bySource, io);
  const q = report.queue;
  io.out(q.uploads === 0 ? 'queue      empty' : `queue      ${q.uploads} upload${q.uploads === 1 ? '' : 's'}; next at ${q.nextUploadAt}, all started by ${q.lastSlotAt}`);
  presentHeldDeletes(report.heldDeletes, io);
}

function problem(doc: StatusDocument): string {
  if (doc.state === 'rejected') return `${doc.rejectReason ?? ''}: ${doc.rejectDetail ?? ''}`;
  const e = doc.lastError;
  if (!e) return doc.state === 'failed' && doc.previousEntryId !== null ? 'previous version still live' : '';
  const ids = [e.requestId && `requestId ${e.requestId}`, e.fingerprint && `fingerprint ${e.fingerprint}`].filter(Boolean).join(', ');
  const live = doc.state === 'failed' && doc.previousEntryId !== null ? ' — previous version still live' : '';
  const where = `${e.step ? `${e.step} failed: ` : ''}${e.status !== undefined ? `HTTP ${e.status}: ` : ''}`;
  return `${where}${e.message}${ids ? ` (${ids})` : ''}${live}`;
}
