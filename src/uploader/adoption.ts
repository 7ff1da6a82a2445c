import type { KnowledgeBaseEntry } from '../sensay/client.js';
import type { DocumentRecord } from '../store/store.js';
import type { UploaderDeps } from './deps.js';
import { digestVerdict, downloadOf, firstLook, rawTextVerdict, type ProofTarget, type ProofVerdict } from './content-proof.js';
import { hasError } from './entry-finder.js';
import { indexSources } from './source-index.js';
import { ADOPTABLE_REASONS, readUnadopted, writeUnadopted, type UnadoptedEntry } from './unadopted.js';

/**
 * Adoption (issue 8 §4, DESIGN §12): documents waiting for their first upload take the entries
 * of their replica that already hold their content, so a lost state file costs no upload. Only
 * entries nobody owns (recorded as unadopted with `no-document` by the drift check) are looked
 * at, and only when a document with the same title needs them: a run with nothing to adopt asks
 * the API nothing. Proof failures are recorded with their reason; those entries are never deleted.
 */

export type AdoptionDeps = Pick<UploaderDeps, 'clock' | 'store' | 'api' | 'log' | 'sources' | 'extractor'>;

/** One document that could take an existing entry instead of a create. */
export interface AdoptionTarget extends ProofTarget {
  readonly title: string;
  readonly replicaUUID: string;
  /** For re-reading our text when a `rawText` is truncated. */
  readonly absolutePath: string | null;
}

export interface EntryJudgement {
  readonly entryId: number;
  readonly verdict: ProofVerdict | { proven: false; why: 'gone' };
  readonly ready: boolean;
}

export interface AdoptionReport {
  adopted: number;
  /** Entries looked at and not adopted (their reason recorded). */
  unproven: number;
}

/**
 * Judges every candidate entry of one target, best first. `listed`: entries as the drift check's
 * listing showed them (saves a GET when it already carries size and download link).
 */
export async function judgeEntries(
  deps: Pick<AdoptionDeps, 'api' | 'extractor'>,
  target: AdoptionTarget,
  entryIds: readonly number[],
  listed: ReadonlyMap<number, KnowledgeBaseEntry>,
  signal?: AbortSignal,
): Promise<EntryJudgement[]> {
  const judged: EntryJudgement[] = [];
  for (const id of [...entryIds].sort((a, b) => a - b)) {
    signal?.throwIfAborted();
    judged.push(await judgeOne(deps, target, id, listed.get(id), signal));
  }
  return judged;
}

async function judgeOne(
  deps: Pick<AdoptionDeps, 'api' | 'extractor'>,
  target: AdoptionTarget,
  id: number,
  listedEntry: KnowledgeBaseEntry | undefined,
  signal: AbortSignal | undefined,
): Promise<EntryJudgement> {
  const opts = signal ? { signal } : {};
  let entry = listedEntry ?? (await deps.api.getEntry(target.replicaUUID, id, opts));
  if (entry === null) return { entryId: id, verdict: { proven: false, why: 'gone' }, ready: false };
  let look = firstLook(entry, target);
  if ('next' in look && look.next === 'read-entry' && listedEntry !== undefined) {
    const full = await deps.api.getEntry(target.replicaUUID, id, opts);
    if (full === null) return { entryId: id, verdict: { proven: false, why: 'gone' }, ready: false };
    entry = full;
  }
  const ready = String(entry.status).toUpperCase() === 'READY' && !hasError(entry);
  if ('next' in look && look.next === 'read-entry') {
    if (target.mode === 'text') {
      const verdict = await rawTextVerdict(entry.rawText, target, () => ourText(deps, target));
      return { entryId: id, verdict, ready };
    }
    const download = downloadOf(entry, target);
    look = 'url' in download ? { next: 'download', url: download.url } : download;
  }
  if (!('next' in look)) return { entryId: id, verdict: look, ready };
  const digest = await deps.api.downloadDigest(look.url, { maxBytes: target.size, ...opts });
  return { entryId: id, verdict: digestVerdict(digest, target), ready };
}

async function ourText(deps: Pick<AdoptionDeps, 'extractor'>, target: AdoptionTarget): Promise<string | null> {
  if (target.absolutePath === null) return null;
  const extracted = await deps.extractor.extract(target.absolutePath);
  return extracted.ok && extracted.textHash === target.textHash ? extracted.text : null;
}

/** The first proven entry (READY ones first), or null. */
export function chooseAdoption(judged: readonly EntryJudgement[]): EntryJudgement | null {
  const proven = judged.filter((j) => j.verdict.proven);
  return proven.find((j) => j.ready) ?? proven[0] ?? null;
}

/** Documents of the store that wait for their first upload and can be proven (they have a hash). */
export function targetsOf(documents: readonly DocumentRecord[], deps: Pick<AdoptionDeps, 'sources'>): Map<string, { doc: DocumentRecord; target: AdoptionTarget }> {
  const index = indexSources(deps.sources);
  const targets = new Map<string, { doc: DocumentRecord; target: AdoptionTarget }>();
  for (const doc of documents) {
    if (doc.state !== 'queued' || doc.entryId !== null || doc.previousEntryId !== null) continue;
    const source = index.source(doc.sourceName);
    if (!source || doc.sha256 === null) continue;
    const title = index.titleOf(doc);
    const target: AdoptionTarget = {
      title,
      replicaUUID: doc.replicaUUID,
      mode: source.mode,
      size: doc.size,
      sha256: doc.sha256,
      textHash: doc.textHash,
      absolutePath: index.absolutePath(doc),
    };
    targets.set(`${doc.replicaUUID}\n${title}`, { doc, target });
  }
  return targets;
}

/**
 * Adopts what can be proven, for every replica with adoptable unadopted entries. Store reads only
 * when there is nothing to adopt. A failed read (network) throws before any upload could run.
 */
export async function adoptPending(
  deps: AdoptionDeps,
  listed: ReadonlyMap<number, KnowledgeBaseEntry>,
  options: { signal?: AbortSignal } = {},
): Promise<AdoptionReport> {
  const report: AdoptionReport = { adopted: 0, unproven: 0 };
  for (const replicaUUID of new Set(deps.sources.map((s) => s.replicaUUID))) {
    const unadopted = await readUnadopted(deps.store, replicaUUID);
    const open = unadopted.filter((e) => ADOPTABLE_REASONS.has(e.why) && e.title !== null);
    if (open.length === 0) continue;
    const targets = targetsOf(await deps.store.listDocuments({ replicaUUID, states: ['queued'] }), deps);
    const byTitle = new Map<string, UnadoptedEntry[]>();
    for (const e of open) if (targets.has(`${replicaUUID}\n${e.title}`)) byTitle.set(e.title as string, [...(byTitle.get(e.title as string) ?? []), e]);
    if (byTitle.size === 0) continue;
    const outcome = new Map<number, UnadoptedEntry | null>();
    for (const [title, entries] of byTitle) {
      const found = targets.get(`${replicaUUID}\n${title}`);
      if (!found) continue;
      const judged = await judgeEntries(deps, found.target, entries.map((e) => e.id), listed, options.signal);
      const chosen = chooseAdoption(judged);
      if (chosen && (await adoptOne(deps, found.doc, chosen))) report.adopted++;
      for (const j of judged) {
        if (j === chosen) outcome.set(j.entryId, null);
        else if (j.verdict.proven) outcome.set(j.entryId, { replicaUUID, id: j.entryId, title, why: 'duplicate' });
        else if (j.verdict.why === 'gone') outcome.set(j.entryId, null);
        else outcome.set(j.entryId, { replicaUUID, id: j.entryId, title, why: j.verdict.why });
        if (j !== chosen && outcome.get(j.entryId)) report.unproven++;
      }
    }
    const kept = unadopted.flatMap((e) => {
      const next = outcome.get(e.id);
      return next === undefined ? [e] : next === null ? [] : [next];
    });
    await writeUnadopted(deps.store, replicaUUID, kept);
  }
  if (report.adopted + report.unproven > 0) deps.log.child({ component: 'adoption' }).info({ ...report }, 'entries already in Sensay looked at');
  return report;
}

async function adoptOne(deps: AdoptionDeps, doc: DocumentRecord, chosen: EntryJudgement): Promise<boolean> {
  const proof = chosen.verdict.proven ? chosen.verdict.proof : 'none';
  const adopted = await deps.store.adoptEntry({ documentId: doc.id, entryId: chosen.entryId, ready: chosen.ready, proof, now: deps.clock.now() });
  if (!adopted.ok) {
    deps.log.child({ component: 'adoption' }).warn({ documentId: doc.id, detail: adopted.detail }, 'adoption refused by the store');
    return false;
  }
  deps.log.child({ component: 'adoption' }).info({ relPath: doc.relPath, entryId: chosen.entryId, proof, state: adopted.document.state }, 'adopted an entry already in Sensay');
  return true;
}
