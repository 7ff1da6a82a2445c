import { stat } from 'node:fs/promises';
import type { SourceConfig } from '../config/types.js';
import type { Extractor } from '../extractors/extraction.js';
import type { KnowledgeBaseEntry, SensayClient } from '../sensay/client.js';
import type { Store } from '../store/store.js';
import { chooseAdoption, judgeEntries, type AdoptionTarget } from '../uploader/adoption.js';
import { expectedEntryIds, needsListing } from '../uploader/drift.js';
import { indexSources } from '../uploader/source-index.js';
import { ADOPTABLE_REASONS, readUnadopted, type UnadoptedEntry } from '../uploader/unadopted.js';
import type { CreateJob, Plan } from './plan-types.js';

/**
 * What a real sync would adopt (issue 8 §4: `sync --dry-run` shows it). Reads only: the count
 * per replica (which also proves the secret), a listing when the count differs from what the
 * store expects, and the same proofs a real run makes (single GETs, downloads). Writes nothing,
 * neither to the API nor to the store.
 */
export interface AdoptionPreview {
  readonly wouldAdopt: { source: string; path: string; replicaUUID: string; entryId: number; proof: string }[];
  /** Entries a real run would leave alone and report. */
  readonly unadopted: UnadoptedEntry[];
}

export interface PreviewDeps {
  readonly api: SensayClient;
  /** null: no state file yet. */
  readonly store: Store | null;
  readonly sources: readonly SourceConfig[];
  readonly extractor: Extractor;
}

export async function previewAdoption(deps: PreviewDeps, plan: Plan, signal?: AbortSignal): Promise<AdoptionPreview> {
  const preview: AdoptionPreview = { wouldAdopt: [], unadopted: [] };
  const index = indexSources(deps.sources);
  const opts = signal ? { signal } : {};
  for (const replicaUUID of new Set(deps.sources.map((s) => s.replicaUUID))) {
    const total = await deps.api.countEntries(replicaUUID, {}, opts);
    const documents = deps.store ? await deps.store.listDocuments({ replicaUUID }) : [];
    const known = deps.store ? await readUnadopted(deps.store, replicaUUID) : [];
    const recorded = expectedEntryIds(documents, []);
    let open: { id: number; title: string | null }[] = known.filter((e) => ADOPTABLE_REASONS.has(e.why));
    const listed = new Map<number, KnowledgeBaseEntry>();
    if (needsListing(total, expectedEntryIds(documents, known.map((e) => e.id)).size)) {
      open = [];
      for await (const entry of deps.api.iterateEntries(replicaUUID, {}, opts)) {
        if (recorded.has(entry.id)) continue;
        listed.set(entry.id, entry);
        open.push({ id: entry.id, title: typeof entry.title === 'string' ? entry.title : null });
      }
    }
    const creates = plan.jobs.filter((job): job is CreateJob => job.action === 'create' && job.replicaUUID === replicaUUID);
    const byTitle = new Map(creates.map((job) => [index.titleOf({ sourceName: job.source, relPath: job.relPath, replicaUUID }), job]));
    const matched = new Set<number>();
    for (const [title, job] of byTitle) {
      const ids = open.filter((e) => e.title === title).map((e) => e.id);
      if (ids.length === 0) continue;
      const target = await targetOf(index, job, title);
      if (target === null) continue;
      const judged = await judgeEntries(deps, target, ids, listed, signal);
      const chosen = chooseAdoption(judged);
      if (chosen?.verdict.proven) {
        preview.wouldAdopt.push({ source: job.source, path: job.relPath, replicaUUID, entryId: chosen.entryId, proof: chosen.verdict.proof });
      }
      for (const j of judged) {
        matched.add(j.entryId);
        if (j === chosen || (!j.verdict.proven && j.verdict.why === 'gone')) continue;
        preview.unadopted.push({ replicaUUID, id: j.entryId, title, why: j.verdict.proven ? 'duplicate' : j.verdict.why });
      }
    }
    for (const e of open) if (!matched.has(e.id)) preview.unadopted.push({ replicaUUID, id: e.id, title: e.title, why: 'no-document' });
    for (const e of known) if (!ADOPTABLE_REASONS.has(e.why) && !preview.unadopted.some((u) => u.id === e.id)) preview.unadopted.push(e);
  }
  return preview;
}

async function targetOf(index: ReturnType<typeof indexSources>, job: CreateJob, title: string): Promise<AdoptionTarget | null> {
  const source = index.source(job.source);
  const absolutePath = index.absolutePath({ sourceName: job.source, relPath: job.relPath });
  if (!source || absolutePath === null) return null;
  const size = await stat(absolutePath).then((s) => s.size, () => null);
  if (size === null) return null;
  return { title, replicaUUID: job.replicaUUID, mode: source.mode, size, sha256: job.sha256, textHash: job.textHash, absolutePath };
}
