import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { DaemonConfig, LoadedConfig, SourceConfig } from '../config/types.js';
import type { Extractor } from '../extractors/extraction.js';
import type { ReadDepth } from '../extractors/validation.js';
import { UPLOAD_JOB_KINDS } from '../store/index.js';
import type { DocumentRecord, ScannedFile as StoreScannedFile, Store } from '../store/store.js';
import { replicasWithoutInPlace } from '../uploader/in-place-support.js';
import type { TextCache } from '../store/text-cache.js';
import { scanSource, type FoundFile, type ScanResult } from '../watchers/index.js';
import { budgetScope, UPLOAD_WINDOW_MS } from './budget-scope.js';
import { listDocumentsPaged } from './document-pages.js';
import { nextTurn } from './loop-turns.js';
import { estimateQueue, type QueueEta } from './eta.js';
import { applyPlan, indexByPath, pathKey } from './pass-apply.js';
import { extractAll, toPlannerFile, type ExaminedFile } from './pass-extract.js';
import { loadDeleteContext, recordDeleteOutcome } from './pass-deletes.js';
import { isKnownToPlanner, isSettledVersion, knownStatsSteps, toKnownDocument } from './pass-known.js';
import { holdYoung, settleByWaiting, type ToExamine } from './pass-settle.js';
import { countPlan, emptyCounts, type DeferredReport, type SyncPassReport, type UnprocessedFile } from './pass-report.js';
import { planPaced, type Plan } from './planner.js';
import { mapSteps, runPaced, STEP, type Steps } from './steps.js';
import { textSinkFor } from './text-cache-upkeep.js';
import type { KnownDocument, PlanSource } from './plan-types.js';

export type * from './pass-report.js';

export type SyncPassConfig = Pick<LoadedConfig, 'sources' | 'extraction' | 'limits' | 'api'> & {
  /** `awaitWriteFinishMs` is the settle window: every front door waits it out, not only the watcher. */
  readonly daemon: Pick<DaemonConfig, 'awaitWriteFinishMs'>;
};

export interface SyncPassDeps {
  readonly clock: Clock;
  /** null: a dry run with no state file yet (everything is new). */
  readonly store: Store | null;
  readonly extractor: Extractor;
  readonly log: Logger;
  readonly config: SyncPassConfig;
  /** Where text-mode texts wait for their upload; without it (a dry run) they are dropped at once. */
  readonly texts?: TextCache;
  /** Sources other hosts own: their documents are theirs to plan, so the pass leaves them out. */
  readonly foreign?: ReadonlySet<string>;
}

export interface SyncPassOptions {
  /** Compute the same plan and an ETA without writing anything (no upserts, no jobs, no events). */
  readonly dryRun?: boolean;
  /**
   * Files younger than the settle window: `defer` leaves them to a later pass (the daemon);
   * `wait` waits out the rest of the window and takes those that stopped changing (one-shot runs).
   */
  readonly settle?: 'defer' | 'wait';
  readonly signal?: AbortSignal;
  /** Called as the pass moves on: each source scanned, each file examined, each decision recorded. */
  readonly onProgress?: () => void;
}

/**
 * One scan → extract → plan → apply pass over every source. Only files whose size or mtime moved
 * since the recorded decision (or that a crash left undecided) are read; the rest cost a stat.
 * Over 100,000 documents each phase is tens to hundreds of ms of CPU: the phases give the event
 * loop turns between their steps (loop-turns.ts, steps.ts), so the daemon keeps answering.
 */
export async function runSyncPass(deps: SyncPassDeps, options: SyncPassOptions = {}): Promise<SyncPassReport> {
  const dryRun = options.dryRun ?? false;
  if (!dryRun && deps.store === null) throw new Error('runSyncPass: a store is required unless dryRun is set');
  const pass: PassContext = { deps, options, dryRun, log: deps.log.child({ component: 'sync-pass' }), startedAt: deps.clock.now(), progress: options.onProgress ?? (() => undefined) };
  const scanned = await scanPhase(pass);
  const examined = await examinePhase(pass, scanned);
  const planned = await planPhase(pass, scanned, examined);
  const outcome = await applyPhase(pass, scanned, examined, planned);
  return finishReport(pass, scanned, examined, planned, outcome);
}

interface PassContext {
  readonly deps: SyncPassDeps;
  readonly options: SyncPassOptions;
  readonly dryRun: boolean;
  readonly log: Logger;
  readonly startedAt: number;
  readonly progress: () => void;
}

interface Scanned {
  readonly scans: ScanResult[];
  readonly found: FoundFile[];
  /** Every store row of this pass (after the scan's upserts). */
  readonly documents: readonly DocumentRecord[];
}

interface Examined {
  readonly toRead: Awaited<ReturnType<typeof settleByWaiting>>;
  readonly examined: ExaminedFile[];
  /** This pass's files by `pathKey`. */
  readonly files: Map<string, ExaminedFile>;
}

interface Planned {
  readonly plan: Plan;
  readonly deletes: Awaited<ReturnType<typeof loadDeleteContext>>;
  readonly scanComplete: Record<string, boolean>;
}

async function scanPhase({ deps, dryRun, log, startedAt, options, progress }: PassContext): Promise<Scanned> {
  const { store, config } = deps;
  const foreign = deps.foreign ?? new Set<string>();
  const before = store ? (await listDocumentsPaged(store)).filter((doc) => !foreign.has(doc.sourceName)) : [];
  const scans = await scanAll(config.sources, before, log, options.signal, progress);
  const found = scans.flatMap((scan) => scan.files);
  const documents = !dryRun && store ? await recordScan(store, config.sources, found, before, startedAt) : before;
  return { scans, found, documents };
}

async function examinePhase({ deps, dryRun, log, startedAt, options, progress }: PassContext, { found, documents }: Scanned): Promise<Examined> {
  const { config } = deps;
  // Read after the scan: a file written while the scan ran must not look as if from the future.
  const candidates = await runPaced(toExamine(found, documents, startedAt));
  const settleMs = config.daemon.awaitWriteFinishMs;
  const toRead =
    options.settle === 'wait'
      ? await settleByWaiting(candidates, { clock: deps.clock, settleMs, signal: options.signal })
      : holdYoung(candidates, deps.clock.now(), settleMs);
  const sink = !dryRun && deps.texts ? textSinkFor(deps.texts, config.sources, log) : undefined;
  const modes = new Map(config.sources.map((source) => [source.name, source.mode]));
  const depthOf = (file: FoundFile): ReadDepth => (modes.get(file.source) === 'text' ? 'text' : 'validate');
  const examined = await extractAll(deps.extractor, toRead.files, config.extraction.workers, depthOf, { sink, examined: progress });
  await nextTurn();
  const keyed = await runPaced(mapSteps(examined, (file): [string, ExaminedFile] => [pathKey(file.found.source, file.found.relPath), file]));
  return { toRead, examined, files: new Map(keyed) };
}

async function planPhase({ deps }: PassContext, { scans, documents }: Scanned, { examined }: Examined): Promise<Planned> {
  const { store, config } = deps;
  const scanComplete = Object.fromEntries(scans.map((scan) => [scan.source, scan.complete]));
  // A replica that refused a PATCH of rawText gets replaces (DECISIONS: remembered in the store).
  const refused = store ? await replicasWithoutInPlace(store, config.sources.map((source) => source.replicaUUID)) : new Map();
  const deletes = await loadDeleteContext(store, scans);
  const files = await runPaced(mapSteps(examined, toPlannerFile));
  const known = (await runPaced(mapSteps(documents, toKnownDocument))).filter((doc): doc is KnownDocument => doc !== null);
  const plan = await planPaced({
    sources: config.sources.map((source) => toPlanSource(source, refused.has(source.replicaUUID))),
    files,
    known,
    scanComplete,
    approvals: deletes.approvals,
    roots: deletes.roots,
  });
  await nextTurn();
  return { plan, deletes, scanComplete };
}

async function applyPhase(
  { deps, dryRun, log, startedAt, progress }: PassContext,
  { documents }: Scanned,
  { files }: Examined,
  { plan, deletes, scanComplete }: Planned,
): Promise<{ deferred: DeferredReport[]; eta?: QueueEta }> {
  const { store, config } = deps;
  if (dryRun || !store) return { deferred: [], eta: await dryRunEta(store, config, plan, startedAt) };
  const priorities = new Map(config.sources.map((source) => [source.name, source.priority]));
  const deferred = await applyPlan(plan, { now: startedAt, priorities, documents, files }, { store, log, progress });
  const sources = config.sources.map((source) => source.name);
  await recordDeleteOutcome(store, { sources, held: plan.held, context: deletes, scanComplete, now: startedAt }, log);
  await retireUndecided(store, documents, files, scanComplete, startedAt);
  return { deferred };
}

async function finishReport(
  { deps, dryRun, log, startedAt }: PassContext,
  { scans, found }: Scanned,
  { toRead, examined }: Examined,
  { plan: planned }: Planned,
  { deferred, eta }: { deferred: DeferredReport[]; eta?: QueueEta },
): Promise<SyncPassReport> {
  const settlingKeys = new Set(toRead.settling.map((file) => pathKey(file.source, file.relPath)));
  const counts = emptyCounts();
  counts.scanned = found.length;
  counts.extracted = examined.filter((file) => file.extraction !== null).length;
  counts.settling = toRead.settling.length;
  const unprocessed = unprocessedFiles(examined);
  counts.unprocessed = unprocessed.length;
  countPlan(planned, counts, (job) => settlingKeys.has(pathKey(job.source, job.relPath)) || job.reason === 'WORKER_UNAVAILABLE');
  const report: SyncPassReport = {
    dryRun,
    startedAt,
    finishedAt: deps.clock.now(),
    counts,
    rejected: planned.rejected.map((r) => ({ source: r.source, path: r.relPath, reason: r.reason, detail: r.detail })),
    held: planned.held,
    scanProblems: scans.filter((scan) => !scan.complete).map((scan) => ({ source: scan.source, problem: scan.problem ?? 'incomplete scan' })),
    settlingUntil: toRead.settlingUntil,
    settlingFiles: toRead.settling.map((file) => ({ source: file.source, path: file.relPath })),
    unprocessed,
    deferred,
    plan: planned,
    ...(eta && { eta }),
  };
  if (!dryRun && deps.store) await deps.store.appendEvent({ at: report.finishedAt, type: 'sync.pass', detail: { ...counts } });
  logOutcome(log, report);
  return report;
}

function logOutcome(log: Logger, report: SyncPassReport): void {
  const { counts, unprocessed, settlingFiles } = report;
  if (unprocessed.length > 0) {
    log.warn({ files: unprocessed.length, detail: unprocessed[0]?.detail }, 'files not processed: no extraction worker could start; examined again on a later pass');
  }
  if (settlingFiles.length > 0) {
    log.info({ files: settlingFiles.length, until: new Date(report.settlingUntil ?? report.startedAt).toISOString() }, 'files still being written; examined on a later pass');
  }
  log.info({ dryRun: report.dryRun, ...counts, held: report.held.length, deferred: report.deferred.length }, 'sync pass finished');
}

/** Files the pool could not read at all (no worker could start): a fault of this host, not of the file. */
function unprocessedFiles(examined: readonly ExaminedFile[]): UnprocessedFile[] {
  return examined.flatMap(({ found, extraction }) =>
    extraction !== null && !extraction.ok && extraction.reason === 'WORKER_UNAVAILABLE'
      ? [{ source: found.source, path: found.relPath, reason: 'WORKER_UNAVAILABLE' as const, detail: extraction.detail }]
      : [],
  );
}

async function scanAll(
  sources: readonly SourceConfig[],
  documents: readonly DocumentRecord[],
  log: Logger,
  signal: AbortSignal | undefined,
  progress: () => void,
): Promise<ScanResult[]> {
  const results: ScanResult[] = [];
  for (const source of sources) {
    const known = await runPaced(knownStatsSteps(documents, source.name));
    results.push(await scanSource(source, { known, log, signal }));
    progress();
  }
  return results;
}

/**
 * Registers every found path the listing does not hold yet (as `discovered`) in one transaction
 * and returns every row: the listing taken before the scan (sorted by id), with the rows the
 * upsert returned (one read of the documents table per pass, not two; the store refuses any
 * transition a stale row would ask).
 */
async function recordScan(
  store: Store,
  sources: readonly SourceConfig[],
  found: readonly FoundFile[],
  before: readonly DocumentRecord[],
  now: number,
): Promise<DocumentRecord[]> {
  const replicas = new Map(sources.map((source) => [source.name, source.replicaUUID]));
  // A path the listing holds needs no write (its insert would do nothing) and no second read of
  // its row: a rescan of an unchanged folder costs no store round trip per file.
  const rows = await runPaced(unlisted(found, before, replicas));
  if (rows.length === 0) return [...before];
  const rowsById = new Map(before.map((doc) => [doc.id, doc]));
  for (const { document } of await store.upsertScannedMany(rows, now)) rowsById.set(document.id, document);
  return [...rowsById.values()].sort((a, b) => a.id - b.id);
}

/** The found files the listing does not hold yet, as rows to insert. */
function* unlisted(found: readonly FoundFile[], before: readonly DocumentRecord[], replicas: ReadonlyMap<string, string>): Steps<StoreScannedFile[]> {
  const listed = new Set<string>();
  let count = 0;
  for (const doc of before) {
    listed.add(pathKey(doc.sourceName, doc.relPath));
    if (++count % STEP === 0) yield;
  }
  const rows: StoreScannedFile[] = [];
  for (const file of found) {
    if (++count % STEP === 0) yield;
    if (listed.has(pathKey(file.source, file.relPath))) continue;
    rows.push({ sourceName: file.source, relPath: file.relPath, replicaUUID: replicas.get(file.source) ?? '', size: file.size, mtimeMs: file.mtimeMs });
  }
  return rows;
}

/** Which files must be read: changed since the recorded decision, or never decided. */
function* toExamine(found: readonly FoundFile[], documents: readonly DocumentRecord[], now: number): Steps<ToExamine[]> {
  const byPath = new Map<string, DocumentRecord>();
  let count = 0;
  for (const doc of documents) {
    indexByPath(byPath, doc);
    if (++count % STEP === 0) yield;
  }
  const out: ToExamine[] = [];
  for (const file of found) {
    const doc = byPath.get(pathKey(file.source, file.relPath));
    const unchanged = doc !== undefined && isSettledVersion(doc) && doc.size === file.size && doc.mtimeMs === file.mtimeMs && sameInode(doc, file);
    out.push({ found: file, discoveredAt: doc?.discoveredAt ?? now, read: file.changed || !unchanged });
    if (++count % STEP === 0) yield;
  }
  return out;
}

/** A recorded inode that differs means another file now sits under the path. */
function sameInode(doc: DocumentRecord, file: FoundFile): boolean {
  return (doc.ino ?? file.ino) === file.ino && (doc.dev ?? file.dev) === file.dev;
}

/**
 * Rows a crash left undecided whose file has since vanished: nobody will plan them (the planner
 * does not know them), so they are closed here. They hold no entry, so they go straight to gone.
 */
async function retireUndecided(
  store: Store,
  documents: readonly DocumentRecord[],
  files: ReadonlyMap<string, ExaminedFile>,
  scanComplete: Readonly<Record<string, boolean>>,
  now: number,
): Promise<void> {
  for (const doc of documents) {
    if (isKnownToPlanner(doc) || scanComplete[doc.sourceName] !== true) continue;
    if (files.has(pathKey(doc.sourceName, doc.relPath))) continue;
    await store.queueDelete(doc.id, now);
  }
}

async function dryRunEta(store: Store | null, config: SyncPassConfig, planned: Plan, now: number): Promise<QueueEta> {
  const limit = config.limits.uploadsPerHour;
  if (!store) return estimateQueue({ queuedUploads: 0, plan: planned }, { slotTimes: [], limit, windowMs: UPLOAD_WINDOW_MS }, now);
  const budget = await store.budgetStatus(budgetScope(config.api.baseUrl), limit, UPLOAD_WINDOW_MS, now);
  const queued = await store.listJobs({ states: ['queued', 'running'], kinds: UPLOAD_JOB_KINDS });
  return estimateQueue(
    { queuedUploads: queued.length, plan: planned },
    { slotTimes: budget.slotTimes, limit, windowMs: UPLOAD_WINDOW_MS, blockedUntil: budget.blockedUntil },
    now,
  );
}

function toPlanSource(source: SourceConfig, inPlaceRefused: boolean): PlanSource {
  return {
    update: source.mode === 'text' && source.update === 'in-place' && !inPlaceRefused ? 'in-place' : 'replace',
    name: source.name,
    replicaUUID: source.replicaUUID,
    mode: source.mode,
    onDelete: source.onDelete,
    maxDeletePercent: source.maxDeletePercent,
    priority: source.priority,
    requireText: source.requireText,
    allowEmpty: source.allowEmpty,
  };
}
