import { resolveCandidateSteps } from './plan-dedupe.js';
import type { Candidate, Keyed, LiveDocument } from './plan-dedupe.js';
import { PlanInputError } from './plan-errors.js';
import { compareText, sortByOrder } from './plan-order.js';
import { classifySourceSteps } from './plan-source.js';
import { runPaced, runSteps, STEP, type Steps } from './steps.js';
import type {
  DuplicateFile,
  HeldDeletes,
  KnownDocument,
  Plan,
  PlanInput,
  PlanJob,
  PlanSource,
  RejectedFile,
  ScannedFile,
} from './plan-types.js';

export type * from './plan-types.js';
export { PlanInputError } from './plan-errors.js';

/**
 * Desired state (the files found now) against known state (the store) → what to do.
 * Pure and deterministic: the same input always gives the same plan, in the same order
 * (source priority, then discovery, then path). Applying the plan is the engine's job.
 */
export function plan(input: PlanInput): Plan {
  return runSteps(planSteps(input));
}

/** The same plan, computed in slices with turns of the event loop between them (steps.ts). */
export function planPaced(input: PlanInput): Promise<Plan> {
  return runPaced(planSteps(input));
}

function* planSteps(input: PlanInput): Steps<Plan> {
  const sources = indexSources(input.sources);
  const files = yield* groupFiles(input.files, sources);
  const docs = yield* groupDocuments(input.known);

  const jobs: Array<Keyed<PlanJob>> = [];
  const rejected: Array<Keyed<RejectedFile>> = [];
  const held: HeldDeletes[] = [];
  const candidates: Candidate[] = [];
  const live: LiveDocument[] = [];
  for (const source of sources.values()) {
    const complete = Object.hasOwn(input.scanComplete, source.name) && input.scanComplete[source.name] === true;
    const context = { root: input.roots?.[source.name] ?? { status: 'same' as const }, approval: input.approvals?.[source.name] };
    const out = yield* classifySourceSteps(source, files.get(source.name) ?? [], docs.get(source.name) ?? [], complete, context);
    jobs.push(...out.jobs);
    rejected.push(...out.rejected);
    held.push(...out.held);
    candidates.push(...out.candidates);
    live.push(...out.live);
  }
  for (const [name, orphans] of docs) {
    if (!sources.has(name)) jobs.push(...unconfigured(orphans));
  }

  const resolved = yield* resolveCandidateSteps(candidates, live);
  jobs.push(...resolved.jobs);
  return {
    jobs: sortByOrder(jobs),
    rejected: sortByOrder(rejected),
    duplicates: sortByOrder<DuplicateFile>(resolved.duplicates),
    held,
  };
}

/** Sources in plan order: priority first, then name. */
function indexSources(list: readonly PlanSource[]): Map<string, PlanSource> {
  const sorted = [...list].sort((a, b) =>
    a.priority === b.priority ? compareText(a.name, b.name) : a.priority > b.priority ? -1 : 1,
  );
  const byName = new Map<string, PlanSource>();
  for (const source of sorted) {
    if (byName.has(source.name)) {
      throw new PlanInputError({
        code: 'INVALID_SOURCE',
        source: source.name,
        message: `Expected source names to be unique, got "${source.name}" twice`,
      });
    }
    const max = source.maxDeletePercent;
    if (!Number.isFinite(max) || max < 0 || max > 100) {
      throw new PlanInputError({
        code: 'INVALID_SOURCE',
        source: source.name,
        message: `Expected \`maxDeletePercent\` of source "${source.name}" to be a number in 0..100, got \`${max}\``,
      });
    }
    if (!Number.isFinite(source.priority)) {
      throw new PlanInputError({
        code: 'INVALID_SOURCE',
        source: source.name,
        message: `Expected \`priority\` of source "${source.name}" to be a finite number, got \`${source.priority}\``,
      });
    }
    byName.set(source.name, source);
  }
  return byName;
}

function* groupFiles(files: readonly ScannedFile[], sources: Map<string, PlanSource>): Steps<Map<string, ScannedFile[]>> {
  const groups = new Map<string, ScannedFile[]>();
  const seen = new Map<string, Set<string>>();
  let count = 0;
  for (const file of files) {
    if (++count % STEP === 0) yield;
    if (!sources.has(file.source)) {
      throw new PlanInputError({
        code: 'UNKNOWN_SOURCE',
        source: file.source,
        relPath: file.relPath,
        message: `Scanned file "${file.relPath}" names source "${file.source}", which is not configured`,
      });
    }
    const paths = seen.get(file.source) ?? new Set<string>();
    if (paths.has(file.relPath)) {
      throw new PlanInputError({
        code: 'DUPLICATE_PATH',
        source: file.source,
        relPath: file.relPath,
        message: `Scanned file "${file.relPath}" of source "${file.source}" appears twice`,
      });
    }
    paths.add(file.relPath);
    seen.set(file.source, paths);
    const group = groups.get(file.source);
    if (group) group.push(file);
    else groups.set(file.source, [file]);
  }
  return groups;
}

function* groupDocuments(known: readonly KnownDocument[]): Steps<Map<string, KnownDocument[]>> {
  const groups = new Map<string, KnownDocument[]>();
  const live = new Set<string>();
  let count = 0;
  for (const doc of known) {
    if (++count % STEP === 0) yield;
    if (doc.state !== 'deleted' && doc.state !== 'deleting') {
      const key = `${doc.source}\u0000${doc.relPath}`;
      if (live.has(key)) {
        throw new PlanInputError({
          code: 'DUPLICATE_PATH',
          source: doc.source,
          relPath: doc.relPath,
          message: `The store holds two documents for "${doc.relPath}" of source "${doc.source}"`,
        });
      }
      live.add(key);
    }
    const group = groups.get(doc.source);
    if (group) group.push(doc);
    else groups.set(doc.source, [doc]);
  }
  return groups;
}

/** A source removed from the config: its entries are left alone, never deleted by omission. */
function unconfigured(docs: readonly KnownDocument[]): Array<Keyed<PlanJob>> {
  return docs.map((doc) => ({
    key: { priority: Number.NEGATIVE_INFINITY, discoveredAt: doc.discoveredAt, source: doc.source, relPath: doc.relPath },
    item: {
      action: 'none',
      reason: 'SOURCE_NOT_CONFIGURED',
      source: doc.source,
      relPath: doc.relPath,
      replicaUUID: doc.replicaUUID,
      documentId: doc.id,
      ...(doc.entryId !== null && { entryId: doc.entryId }),
    },
  }));
}
