import type { Logger } from 'pino';
import type { DocumentRecord, FileVersion, Store } from '../store/store.js';
import { turnEvery } from './loop-turns.js';
import { runPaced, STEP, type Steps } from './steps.js';
import { versionOf, type ExaminedFile } from './pass-extract.js';
import type { DeferredReport } from './pass-report.js';
import type { DuplicateFile, Plan, PlanJob, RejectedFile } from './plan-types.js';

export interface ApplyDeps {
  readonly store: Store;
  readonly log: Logger;
  /** Called as each decision has been recorded (the pass's progress). */
  readonly progress?: () => void;
}

/** What the applier needs to know about this pass besides the plan. */
export interface ApplyContext {
  readonly now: number;
  /** Source name → priority of its upload and delete jobs. */
  readonly priorities: ReadonlyMap<string, number>;
  /** Every store row of this pass (after the scan's upserts), for ids by path and recorded versions. */
  readonly documents: readonly DocumentRecord[];
  /** This pass's files by `pathKey`. */
  readonly files: ReadonlyMap<string, ExaminedFile>;
}

/** Decisions recorded between two turns of the event loop (loop-turns.ts). */
const APPLY_TURN_EVERY = 1_000;

type Outcome = { ok: true } | { ok: false; reason: string; detail: string };

export function pathKey(source: string, relPath: string): string {
  return `${source}\u0000${relPath}`;
}

/** Adds a row to a by-path index: tombstones share paths with live rows only transiently, and the live row wins. */
export function indexByPath(byPath: Map<string, DocumentRecord>, doc: DocumentRecord): void {
  const key = pathKey(doc.sourceName, doc.relPath);
  const seen = byPath.get(key);
  if (!seen || seen.state === 'gone' || seen.state === 'deleting') byPath.set(key, doc);
}

/**
 * Writes the plan into the store, one transition per decision, in plan order so upload jobs are
 * created FIFO by discovery within a priority. A transition the store refuses (another process
 * moved the document meanwhile) is reported as deferred: the next pass decides it again.
 */
export async function applyPlan(plan: Plan, ctx: ApplyContext, deps: ApplyDeps): Promise<DeferredReport[]> {
  const applier = new PlanApplier(ctx, deps);
  await runPaced(applier.index());
  const turn = turnEvery(APPLY_TURN_EVERY);
  for (const job of plan.jobs) {
    applier.note(job, job.action, await applier.job(job));
    await turn();
  }
  for (const rejected of plan.rejected) {
    applier.note(rejected, 'rejected', await applier.rejected(rejected));
    await turn();
  }
  for (const duplicate of plan.duplicates) {
    applier.note(duplicate, 'duplicate', await applier.duplicate(duplicate));
    await turn();
  }
  for (const { documentIds: _ids, paths: _paths, ...held } of plan.held) {
    await deps.store.appendEvent({ at: ctx.now, type: 'sync.delete-held', detail: { ...held } });
  }
  return applier.deferred;
}

class PlanApplier {
  readonly deferred: DeferredReport[] = [];
  private readonly byPath = new Map<string, DocumentRecord>();
  private readonly byId = new Map<number, DocumentRecord>();
  private readonly log: Logger;

  constructor(
    private readonly ctx: ApplyContext,
    private readonly deps: ApplyDeps,
  ) {
    this.log = deps.log.child({ component: 'sync-apply' });
  }

  /** The pass's rows by id and by path, built in steps (100,000 rows are ~100 ms). */
  *index(): Steps<void> {
    let count = 0;
    for (const doc of this.ctx.documents) {
      this.byId.set(doc.id, doc);
      indexByPath(this.byPath, doc);
      if (++count % STEP === 0) yield;
    }
  }

  note(item: { source: string; relPath: string }, action: DeferredReport['action'], outcome: Outcome): void {
    this.deps.progress?.();
    if (outcome.ok) return;
    this.log.info({ source: item.source, path: item.relPath, action, reason: outcome.reason }, outcome.detail);
    this.deferred.push({ source: item.source, path: item.relPath, action, reason: outcome.reason, detail: outcome.detail });
  }

  async job(job: PlanJob): Promise<Outcome> {
    const { store } = this.deps;
    const { now } = this.ctx;
    const priority = this.priority(job.source);
    switch (job.action) {
      case 'create':
      case 'replace': {
        const id = this.idOf(job.documentId, job.source, job.fromPath ?? job.relPath);
        if (id === null) return missing(job.relPath);
        if (job.fromPath !== undefined) {
          const moved = await this.move(id, job.source, job.relPath);
          if (!moved.ok) return moved;
        }
        const version = this.version(job.source, job.relPath);
        return store.queueUpload({ documentId: id, kind: job.action, priority, now, ...(version && { version }) });
      }
      case 'update': {
        const version = this.version(job.source, job.relPath);
        return store.queueUpload({ documentId: job.documentId, kind: 'update', priority, now, ...(version && { version }) });
      }
      case 'delete':
        return store.queueDelete(job.documentId, now, priority);
      case 'rename':
        return this.move(job.documentId, job.source, job.relPath);
      case 'none':
        return this.none(job);
    }
  }

  async rejected(item: RejectedFile): Promise<Outcome> {
    const id = this.idOf(item.documentId, item.source, item.relPath);
    if (id === null) return missing(item.relPath);
    const version = this.version(item.source, item.relPath) ?? this.recordedVersion(id, item.source, item.relPath);
    if (version === null) return missing(item.relPath);
    return this.deps.store.recordRejected(id, { version, reason: item.reason, detail: item.detail }, this.ctx.now);
  }

  async duplicate(item: DuplicateFile): Promise<Outcome> {
    const id = this.idOf(item.documentId, item.source, item.fromPath ?? item.relPath);
    const original = this.idOf(item.duplicateOfId, item.duplicateOfSource, item.duplicateOfPath);
    if (id === null || original === null) return missing(item.relPath);
    if (item.fromPath !== undefined) {
      const moved = await this.move(id, item.source, item.relPath);
      if (!moved.ok) return moved;
    }
    const version = this.version(item.source, item.relPath) ?? this.recordedVersion(id, item.source, item.relPath);
    if (version === null) return missing(item.relPath);
    return this.deps.store.markDuplicate(id, original, version, this.ctx.now);
  }

  private async none(job: Extract<PlanJob, { action: 'none' }>): Promise<Outcome> {
    const id = job.documentId;
    if (id === undefined) return { ok: true };
    if (job.reason === 'KEPT') return this.deps.store.markGone(id, this.ctx.now, { entryKept: true });
    // UNCHANGED too: a file read this pass may sit on a new inode (renamed into place, same stat).
    if (job.reason === 'METADATA_CHANGED' || job.reason === 'TEXT_UNCHANGED' || job.reason === 'UNCHANGED') {
      const file = this.ctx.files.get(pathKey(job.source, job.relPath));
      if (!file || (job.reason === 'UNCHANGED' && file.extraction === null)) return { ok: true };
      const { size, mtimeMs, dev, ino } = file.found;
      return this.deps.store.refreshStat(id, { size, mtimeMs, dev, ino }, this.ctx.now);
    }
    return { ok: true };
  }

  /** Moves a row to its new path with the file's current version there. */
  private async move(id: number, source: string, relPath: string): Promise<Outcome> {
    const version = this.version(source, relPath) ?? this.recordedVersion(id, source, relPath);
    return this.deps.store.renameDocument({
      documentId: id,
      newRelPath: relPath,
      priority: this.priority(source),
      now: this.ctx.now,
      ...(version && { version }),
    });
  }

  /** The version read this pass at that path, if the file was read. */
  private version(source: string, relPath: string): FileVersion | undefined {
    const file = this.ctx.files.get(pathKey(source, relPath));
    return file?.extraction ? versionOf(file) : undefined;
  }

  /** The recorded content with the file's current stat (a file not read: same bytes). */
  private recordedVersion(id: number, source: string, relPath: string): FileVersion | null {
    const doc = this.byId.get(id);
    if (!doc) return null;
    const file = this.ctx.files.get(pathKey(source, relPath));
    return {
      size: file?.found.size ?? doc.size,
      mtimeMs: file?.found.mtimeMs ?? doc.mtimeMs,
      kind: doc.kind,
      sha256: doc.sha256,
      textHash: doc.textHash,
      warnings: [...doc.warnings],
    };
  }

  private idOf(documentId: number | undefined, source: string, relPath: string): number | null {
    if (documentId !== undefined) return documentId;
    return this.byPath.get(pathKey(source, relPath))?.id ?? null;
  }

  private priority(source: string): number {
    return this.ctx.priorities.get(source) ?? 0;
  }
}

function missing(relPath: string): Outcome {
  return { ok: false, reason: 'NOT_FOUND', detail: `no store row for ${relPath}; the next pass records it again` };
}
