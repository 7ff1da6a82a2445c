import type { QueueEta } from '../../engine/eta.js';
import type { HeldDeletes, Plan } from '../../engine/plan-types.js';
import type { ScanProblemReport, SettlingFile, UnprocessedFile } from '../../engine/pass-report.js';
import type { CliIo } from '../io.js';
import { documentTotals, problemDocuments } from '../../engine/document-totals.js';
import type { SyncRunResult } from '../../engine/sync-run.js';
import type { Store } from '../../store/store.js';
import type { UnadoptedEntry } from '../../uploader/unadopted.js';

/** The `sync --json` contract (issue 5). Extra keys may be added; these never change meaning. */
export interface SyncJson {
  documents: { ready: number; processing: number; queued: number; failed: number; rejected: number };
  thisRun: { uploaded: number; recreated: number; deleted: number; renamed: number; adopted: number; updated: number };
  rejected: { path: string; source: string; reason: string; detail: string }[];
  failed: { path: string; source: string; error: string }[];
  /** ISO-8601; null when no upload is waiting. */
  nextUploadAt: string | null;
  stoppedBy: string;
  budget: { limit: number; used: number; remaining: number };
  held: HeldDeletes[];
  scanProblems: ScanProblemReport[];
  /**
   * Files still being written after the settle window, left for a later pass; `until`: ISO-8601,
   * when the first has settled; `paths`: which ones.
   */
  settling: { files: number; until: string | null; paths: SettlingFile[] };
  /**
   * Files not processed this run for a fault of this host (`WORKER_UNAVAILABLE`: no extraction
   * worker could start), with the reason: the run did not complete (exit 5); the next run
   * examines them again.
   */
  unprocessed: UnprocessedJson[];
  /** Entries in the replicas that no document owns or that were not proven identical: never deleted, for the user to remove in Sensay. */
  unadopted: UnadoptedJson[];
}

export interface UnprocessedJson {
  path: string;
  source: string;
  reason: string;
  detail: string;
}

export function unprocessedJson(files: readonly UnprocessedFile[]): UnprocessedJson[] {
  return files.map((f) => ({ path: f.path, source: f.source, reason: f.reason, detail: f.detail }));
}

export interface UnadoptedJson {
  replicaUUID: string;
  id: number;
  title: string | null;
  why: string;
}

export function unadoptedJson(entries: readonly UnadoptedEntry[]): UnadoptedJson[] {
  return entries.map((e) => ({ replicaUUID: e.replicaUUID, id: e.id, title: e.title, why: e.why }));
}

export function presentUnadopted(entries: readonly UnadoptedJson[], io: CliIo): void {
  for (const e of entries) {
    io.out(`unadopted  entry ${e.id} "${e.title ?? ''}" in replica ${e.replicaUUID} (${e.why}): left alone; remove it in Sensay if it is not wanted`);
  }
}

export interface PlanItem {
  /** `update`: the entry's text is patched in place, which takes no upload slot (the ETA leaves it out). */
  action: 'create' | 'replace' | 'update' | 'delete' | 'rename' | 'rejected' | 'duplicate';
  path: string;
  source: string;
  reason: string;
  detail?: string;
  fromPath?: string;
  duplicateOf?: string;
}

/** `sync --dry-run --json`. */
export interface DryRunJson {
  dryRun: true;
  plan: PlanItem[];
  unchanged: number;
  /** Files still being written after the settle window: a real run would leave them for its next pass. */
  settling: number;
  /** Which files those are. */
  settlingFiles: SettlingFile[];
  /** Files that could not be read (no extraction worker could start): not planned, not counted as unchanged. */
  unprocessed: UnprocessedJson[];
  eta: { uploads: number; firstSlotAt: string | null; lastSlotAt: string | null };
  held: HeldDeletes[];
  scanProblems: ScanProblemReport[];
  /** Files whose entry is already in Sensay, proven identical: a real run adopts them instead of uploading. */
  wouldAdopt?: { source: string; path: string; entryId: number; proof: string }[];
  /** Entries a real run would leave alone and report. */
  unadopted?: UnadoptedJson[];
  /** False when no secret was available, so the API was not read (adoption unknown). */
  adoptionChecked?: boolean;
}

export function adoptionJson(
  preview: { wouldAdopt: { source: string; path: string; entryId: number; proof: string }[]; unadopted: readonly UnadoptedEntry[] } | null,
): Pick<DryRunJson, 'wouldAdopt' | 'unadopted' | 'adoptionChecked'> {
  if (preview === null) return { wouldAdopt: [], unadopted: [], adoptionChecked: false };
  const wouldAdopt = preview.wouldAdopt.map((a) => ({ source: a.source, path: a.path, entryId: a.entryId, proof: a.proof }));
  return { wouldAdopt, unadopted: unadoptedJson(preview.unadopted), adoptionChecked: true };
}

export function planItems(plan: Plan): PlanItem[] {
  const items: PlanItem[] = [];
  for (const job of plan.jobs) {
    if (job.action === 'none') continue;
    items.push({
      action: job.action,
      path: job.relPath,
      source: job.source,
      reason: job.reason,
      ...(job.fromPath !== undefined && { fromPath: job.fromPath }),
    });
  }
  for (const r of plan.rejected) items.push({ action: 'rejected', path: r.relPath, source: r.source, reason: r.reason, detail: r.detail });
  for (const d of plan.duplicates) {
    items.push({ action: 'duplicate', path: d.relPath, source: d.source, reason: d.reason, duplicateOf: d.duplicateOfPath });
  }
  return items;
}

export function dryRunJson(
  plan: Plan,
  eta: QueueEta,
  held: readonly HeldDeletes[],
  scanProblems: readonly ScanProblemReport[],
  settlingFiles: readonly SettlingFile[] = [],
  unprocessed: readonly UnprocessedFile[] = [],
): DryRunJson {
  // A dry run reads every new or changed file, so the only ones left unexamined are those the
  // pass held back because they are still being written.
  const settling = plan.jobs.filter((job) => job.action === 'none' && job.reason === 'NOT_EXAMINED').length;
  return {
    dryRun: true,
    plan: planItems(plan),
    unchanged: plan.jobs.filter((job) => job.action === 'none' && job.reason !== 'WORKER_UNAVAILABLE').length - settling,
    settling,
    settlingFiles: [...settlingFiles],
    unprocessed: unprocessedJson(unprocessed),
    eta: { uploads: eta.uploads, firstSlotAt: iso(eta.firstSlotAt), lastSlotAt: iso(eta.lastSlotAt) },
    held: [...held],
    scanProblems: [...scanProblems],
  };
}

/** The `sync --json` contract for one run (`schedule` prints the same object per run). */
export async function buildSyncJson(result: SyncRunResult, store: Store): Promise<SyncJson> {
  const { summary } = result;
  const problems = await problemDocuments(store);
  return {
    documents: documentTotals(summary.documents),
    thisRun: {
      uploaded: result.jobs.uploaded,
      recreated: result.polls.recreatesQueued,
      deleted: result.jobs.deleted,
      renamed: result.jobs.renamed,
      adopted: result.jobs.adopted,
      updated: result.jobs.updated,
    },
    rejected: problems.rejected.map((r) => ({ path: r.path, source: r.source, reason: r.reason, detail: r.detail })),
    failed: problems.failed.map((f) => ({ path: f.path, source: f.source, error: f.error })),
    nextUploadAt: iso(summary.nextUploadAt),
    stoppedBy: result.stoppedBy,
    budget: { limit: summary.budget.limit, used: summary.budget.used, remaining: summary.budget.remaining },
    held: [...result.pass.held],
    scanProblems: [...result.pass.scanProblems],
    settling: { files: result.pass.counts.settling, until: iso(result.pass.settlingUntil), paths: [...result.pass.settlingFiles] },
    unprocessed: unprocessedJson(result.pass.unprocessed),
    unadopted: unadoptedJson(result.unadopted),
  };
}

export function iso(at: number | null): string | null {
  return at === null ? null : new Date(at).toISOString();
}

export function presentSync(report: SyncJson, options: { json: boolean }, io: CliIo): void {
  if (options.json) {
    io.out(JSON.stringify(report, null, 2));
    return;
  }
  const d = report.documents;
  const t = report.thisRun;
  io.out(`documents  ready ${d.ready} · processing ${d.processing} · queued ${d.queued} · failed ${d.failed} · rejected ${d.rejected}`);
  io.out(`this run   uploaded ${t.uploaded} · adopted ${t.adopted} · updated in place ${t.updated} · recreated ${t.recreated} · deleted ${t.deleted} · renamed ${t.renamed}`);
  io.out(`budget     ${report.budget.remaining} of ${report.budget.limit} uploads left this hour`);
  io.out(`next       ${report.nextUploadAt === null ? 'no upload waiting' : `next upload at ${report.nextUploadAt}`}`);
  for (const r of report.rejected) io.out(`rejected   ${r.path}: ${r.reason} — ${r.detail}`);
  for (const f of report.failed) io.out(`failed     ${f.path}: ${f.error}`);
  presentSettling(report.settling.paths, io);
  presentUnprocessed(report.unprocessed, io);
  presentWarnings(report.held, report.scanProblems, io);
  presentUnadopted(report.unadopted, io);
}

export function presentDryRun(report: DryRunJson, options: { json: boolean }, io: CliIo): void {
  if (options.json) {
    io.out(JSON.stringify(report, null, 2));
    return;
  }
  io.out('dry run: nothing was uploaded, deleted or recorded');
  const width = Math.max(8, ...report.plan.map((item) => item.action.length));
  for (const item of report.plan) {
    const extra =
      item.action === 'rename' ? ` (from ${item.fromPath})`
      : item.action === 'update' ? ' (text patched in place: no upload slot)'
      : item.action === 'duplicate' ? ` (same content as ${item.duplicateOf})`
      : item.detail !== undefined ? ` — ${item.reason}: ${item.detail}`
      : '';
    io.out(`${item.action.padEnd(width)}  ${item.path}${extra}`);
  }
  io.out(`unchanged  ${report.unchanged} document${report.unchanged === 1 ? '' : 's'}`);
  for (const a of report.wouldAdopt ?? []) io.out(`adopt      ${a.path} (entry ${a.entryId} already in Sensay, proven by ${a.proof}: no upload)`);
  if (report.adoptionChecked === false) io.out('adoption   not checked: no organisation secret, so the API was not read');
  presentUnadopted(report.unadopted ?? [], io);
  const inPlace = report.plan.filter((item) => item.action === 'update').length;
  const replaces = report.plan.filter((item) => item.action === 'replace').length;
  if (inPlace + replaces > 0) io.out(`changed    ${inPlace} updated in place (no upload slot) · ${replaces} replaced (one upload slot each)`);
  presentSettling(report.settlingFiles, io);
  presentUnprocessed(report.unprocessed, io);
  const eta = report.eta;
  io.out(
    eta.uploads === 0
      ? 'uploads    none needed'
      : `uploads    ${eta.uploads}: first at ${eta.firstSlotAt}, last at ${eta.lastSlotAt} (the hourly budget decides)`,
  );
  presentWarnings(report.held, report.scanProblems, io);
}

function presentSettling(files: readonly SettlingFile[], io: CliIo): void {
  if (files.length === 0) return;
  io.out(`settling: ${files.length} file${files.length === 1 ? '' : 's'} still being written after the settle window; examined on the next pass`);
  for (const file of files) io.out(`settling   ${file.path} (source ${file.source})`);
}

/** The run did not complete: these files were not read at all (the reason says why, and what to do). */
function presentUnprocessed(files: readonly UnprocessedJson[], io: CliIo): void {
  if (files.length === 0) return;
  io.out(`incomplete ${files.length} file${files.length === 1 ? '' : 's'} not processed: no extraction worker could start; the next run examines ${files.length === 1 ? 'it' : 'them'} again`);
  for (const f of files) io.out(`not processed  ${f.path} (source ${f.source}): ${f.reason} — ${f.detail}`);
}

function presentWarnings(held: readonly HeldDeletes[], problems: readonly ScanProblemReport[], io: CliIo): void {
  for (const h of held) io.out(`held       ${h.detail}`);
  for (const p of problems) io.out(`scan       ${p.problem}`);
}
