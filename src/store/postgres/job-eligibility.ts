import { firstInClaimOrder, type EligibleHeads } from '../claim-order.js';
import type { JobKind, JobRecord } from '../jobs.js';
import { toJob, type JobRow } from '../rows.js';
import { Params, type PgRunner } from './pg-runner.js';

export interface EligibleQuery {
  now: number;
  kinds: readonly JobKind[];
  replicaUUID: string | undefined;
  /** Only documents of these sources (the host's own); undefined: any. */
  sourceNames?: readonly string[] | undefined;
  /** Only this document's jobs (a delete job taking over its document's cut-short upload). */
  documentId?: number | undefined;
  skipPausedReplicas: boolean;
}

/**
 * The next job a claimer may take: queued and due, or running under an expired lease; priority
 * first, then the one ready first.
 */
export async function nextEligibleJob(sql: PgRunner, query: EligibleQuery): Promise<JobRecord | null> {
  return firstInClaimOrder(await eligibleHeads(sql, query));
}

/**
 * The first due queued job and the first running job whose lease expired, each in claim order.
 * Each job and its document are locked `SKIP LOCKED`, both in one statement, so hosts claiming at
 * once each get a different job and never wait on a document another transition holds.
 */
export async function eligibleHeads(sql: PgRunner, query: EligibleQuery): Promise<EligibleHeads> {
  if (query.kinds.length === 0 || query.sourceNames?.length === 0) return { queued: null, expired: null };
  const first = async (state: 'queued' | 'running', due: string): Promise<JobRecord | null> => {
    const p = new Params();
    const row = await sql.row<JobRow>(
      `SELECT j.* FROM jobs j JOIN documents d ON d.id = j.document_id
       WHERE j.state = '${state}' AND ${due} <= ${p.add(query.now)} ${scopeClauses(p, query)}
       ORDER BY j.priority DESC, ${due} ASC, j.id ASC LIMIT 1
       FOR UPDATE OF j, d SKIP LOCKED`,
      p.values,
    );
    return row ? toJob(row) : null;
  };
  const queued = await first('queued', 'j.not_before');
  return { queued, expired: await first('running', 'j.lease_until') };
}

/** When the earliest open job in scope becomes claimable (none is now), or null if none will. */
export async function nextJobTime(sql: PgRunner, query: EligibleQuery): Promise<number | null> {
  if (query.kinds.length === 0 || query.sourceNames?.length === 0) return null;
  const p = new Params();
  const due = "CASE WHEN j.state = 'queued' THEN j.not_before ELSE j.lease_until END";
  if (!query.skipPausedReplicas) {
    const row = await sql.row<{ at: number | null }>(
      `SELECT MIN(${due}) AS at FROM jobs j JOIN documents d ON d.id = j.document_id
       WHERE j.state IN ('queued', 'running') ${scopeClauses(p, { ...query, skipPausedReplicas: false })}`,
      p.values,
    );
    return row?.at ?? null;
  }
  // A job of a replica paused until T is claimable at T at the earliest; one paused without an
  // end is not claimable at all.
  const now = p.add(query.now);
  const row = await sql.row<{ at: number | null }>(
    `SELECT MIN(GREATEST(${due}, COALESCE(p.until, 0))) AS at
     FROM jobs j JOIN documents d ON d.id = j.document_id
     LEFT JOIN replica_pauses p ON p.replica_uuid = d.replica_uuid AND (p.until IS NULL OR p.until > ${now})
     WHERE j.state IN ('queued', 'running') AND NOT (p.replica_uuid IS NOT NULL AND p.until IS NULL)
       ${scopeClauses(p, { ...query, skipPausedReplicas: false })}`,
    p.values,
  );
  return row?.at ?? null;
}

function scopeClauses(p: Params, query: EligibleQuery): string {
  // Every claim skips the jobs of a source paused by hand: it is scanned, but nothing of it is sent.
  const clauses = [`AND j.kind IN (${p.list(query.kinds)})`, 'AND NOT EXISTS (SELECT 1 FROM source_pauses sp WHERE sp.source_name = d.source_name)'];
  if (query.replicaUUID !== undefined) clauses.push(`AND d.replica_uuid = ${p.add(query.replicaUUID)}`);
  if (query.documentId !== undefined) clauses.push(`AND j.document_id = ${p.add(query.documentId)}`);
  if (query.sourceNames !== undefined) clauses.push(`AND d.source_name IN (${p.list(query.sourceNames)})`);
  if (query.skipPausedReplicas) {
    clauses.push(
      `AND NOT EXISTS (SELECT 1 FROM replica_pauses p WHERE p.replica_uuid = d.replica_uuid AND (p.until IS NULL OR p.until > ${p.add(query.now)}))`,
    );
  }
  return clauses.join('\n       ');
}
