import { expect } from 'vitest';
import { plan } from '../../src/engine/planner.js';
import type { KnownDocument, Plan, PlanInput, PlanSource, ScannedFile } from '../../src/engine/planner.js';

export const REPLICA = '11111111-1111-4111-8111-111111111111';
export const OTHER_REPLICA = '22222222-2222-4222-8222-222222222222';

export function source(over: Partial<PlanSource> = {}): PlanSource {
  return {
    name: 'docs',
    replicaUUID: REPLICA,
    mode: 'file',
    onDelete: 'delete',
    maxDeletePercent: 20,
    priority: 0,
    requireText: false,
    ...over,
  };
}

/**
 * A file whose text is `text`. Bytes default to the text itself, so sha256 and textHash move
 * together unless a test overrides one of them to model "same text, different bytes".
 */
export function file(relPath: string, text: string, over: Partial<ScannedFile> = {}): ScannedFile {
  return {
    source: 'docs',
    relPath,
    size: text.length,
    mtimeMs: 1_000,
    sha256: `sha(${text})`,
    textHash: `txt(${text})`,
    extraction: { ok: true },
    ...over,
  };
}

export function rejectedFile(relPath: string, reason: string, over: Partial<ScannedFile> = {}): ScannedFile {
  return file(relPath, `bytes of ${relPath}`, {
    textHash: null,
    extraction: { ok: false, reason, detail: `${reason} detail for ${relPath}` },
    ...over,
  });
}

/** A stat-only sighting: same size and mtime as the store, not re-hashed. */
export function seen(doc: KnownDocument, over: Partial<ScannedFile> = {}): ScannedFile {
  return {
    source: doc.source,
    relPath: doc.relPath,
    size: doc.size,
    mtimeMs: doc.mtimeMs,
    sha256: null,
    extraction: null,
    ...over,
  };
}

export function known(id: number, relPath: string, text: string, over: Partial<KnownDocument> = {}): KnownDocument {
  return {
    id,
    source: 'docs',
    relPath,
    replicaUUID: REPLICA,
    sha256: `sha(${text})`,
    textHash: `txt(${text})`,
    size: text.length,
    mtimeMs: 1_000,
    state: 'ready',
    entryId: 1000 + id,
    duplicateOf: null,
    rejectReason: null,
    attempts: 1,
    ...over,
  };
}

export function planFor(over: Partial<PlanInput> = {}): Plan {
  const sources = over.sources ?? [source()];
  const input: PlanInput = {
    sources,
    files: [],
    known: [],
    scanComplete: Object.fromEntries(sources.map((s) => [s.name, true])),
    ...over,
  };
  const result = plan(input);
  expectEveryItemOnce(input, result);
  return result;
}

/** One line per decision, easy to compare: `create a.md NEW`, `rename b.md <- a.md MOVED`. */
export function lines(result: Plan): string[] {
  return [
    ...result.jobs.map((j) => `${j.action} ${j.relPath}${j.fromPath ? ` <- ${j.fromPath}` : ''} ${j.reason}`),
    ...result.rejected.map((r) => `rejected ${r.relPath} ${r.reason}`),
    ...result.duplicates.map((d) => `duplicate ${d.relPath} = ${d.duplicateOfPath} ${d.reason}`),
  ];
}

/** Lines for everything but `none` jobs: what a user would see happen. */
export function effects(result: Plan): string[] {
  return lines(result).filter((line) => !line.startsWith('none '));
}

/**
 * The plan's contract: every scanned file and every known document is accounted for exactly
 * once (a rename covers its old document and its new path).
 */
export function expectEveryItemOnce(input: PlanInput, result: Plan): void {
  const count = new Map<string, number>();
  const bump = (source: string, relPath: string) => {
    const key = `${source}:${relPath}`;
    count.set(key, (count.get(key) ?? 0) + 1);
  };
  for (const job of result.jobs) {
    bump(job.source, job.relPath);
    if (job.fromPath !== undefined) bump(job.source, job.fromPath);
  }
  for (const r of result.rejected) bump(r.source, r.relPath);
  for (const d of result.duplicates) {
    bump(d.source, d.relPath);
    if (d.fromPath !== undefined) bump(d.source, d.fromPath);
  }
  const expected = new Map<string, number>();
  for (const f of input.files) expected.set(`${f.source}:${f.relPath}`, 1);
  for (const d of input.known) expected.set(`${d.source}:${d.relPath}`, 1);
  expect(Object.fromEntries(count)).toEqual(Object.fromEntries(expected));
}
