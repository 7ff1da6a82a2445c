import type { LastError } from '../documents.js';
import { firstInClaimOrder, type EligibleHeads } from '../claim-order.js';
import { invalidArgument } from '../errors.js';
import { UPLOAD_JOB_KINDS, type EnqueueJobInput, type EnqueueJobResult, type JobFilter, type JobKind, type JobLease, type JobRecord, type JobState } from '../jobs.js';
import { jsonOrNull, toJob, type JobRow } from '../rows.js';
import { placeholders, type SqlRunner } from './sql-runner.js';

export function loadJob(sql: SqlRunner, id: number): JobRecord | null {
  const row = sql.get<JobRow>('SELECT * FROM jobs WHERE id = ?', id);
  return row ? toJob(row) : null;
}

function requireJob(sql: SqlRunner, id: number): JobRecord {
  const job = loadJob(sql, id);
  if (!job) throw new Error(`job ${id} vanished inside its transaction`);
  return job;
}

export function enqueueJobRow(sql: SqlRunner, input: EnqueueJobInput): EnqueueJobResult {
  const open = sql.get<JobRow>(
    "SELECT * FROM jobs WHERE document_id = ? AND kind = ? AND state IN ('queued', 'running')",
    input.documentId,
    input.kind,
  );
  if (open) return { job: toJob(open), created: false };
  if (!sql.get('SELECT 1 FROM documents WHERE id = ?', input.documentId)) {
    throw invalidArgument(`Cannot enqueue a ${input.kind} job: document ${input.documentId} does not exist`);
  }
  const result = sql.run(
    `INSERT INTO jobs (document_id, kind, state, priority, not_before, payload, created_at, updated_at)
     VALUES (?, ?, 'queued', ?, ?, ?, ?, ?)`,
    input.documentId,
    input.kind,
    input.priority ?? 0,
    input.notBefore ?? input.now,
    JSON.stringify(input.payload ?? null),
    input.now,
    input.now,
  );
  return { job: requireJob(sql, Number(result.lastInsertRowid)), created: true };
}

export interface EligibleQuery {
  now: number;
  kinds: readonly JobKind[];
  replicaUUID: string | undefined;
  documentId?: number | undefined;
  /** Only documents of these sources (the host's own); undefined: any. */
  sourceNames?: readonly string[] | undefined;
  skipPausedReplicas: boolean;
}

/**
 * The next job a claimer may take: queued and due, or running under an expired lease.
 * Priority first, then the one ready first: a queued job is ready at `not_before` (its enqueue
 * time, or the end of its retry backoff), a taken-over one when its lease ran out. Each state is
 * read in that order straight off an index, so the first match ends the search.
 */
export function nextEligibleJob(sql: SqlRunner, query: EligibleQuery): JobRecord | null {
  return firstInClaimOrder(eligibleHeads(sql, query));
}

/** The first due queued job and the first running job whose lease expired, each in claim order. */
export function eligibleHeads(sql: SqlRunner, query: EligibleQuery): EligibleHeads {
  if (query.kinds.length === 0 || query.sourceNames?.length === 0) return { queued: null, expired: null };
  const { clauses, params } = scopeClauses(query);
  const first = (state: 'queued' | 'running', due: string): JobRecord | null => {
    const row = sql.get<JobRow>(
      `SELECT j.* FROM jobs j JOIN documents d ON d.id = j.document_id
       WHERE j.state = '${state}' AND ${due} <= ? ${clauses}
       ORDER BY j.priority DESC, ${due} ASC, j.id ASC LIMIT 1`,
      query.now,
      ...params,
    );
    return row ? toJob(row) : null;
  };
  return { queued: first('queued', 'j.not_before'), expired: first('running', 'j.lease_until') };
}

/** When the earliest open job in scope becomes claimable (none is now), or null if none will. */
export function nextJobTime(sql: SqlRunner, query: EligibleQuery): number | null {
  if (query.kinds.length === 0 || query.sourceNames?.length === 0) return null;
  const { clauses, params } = scopeClauses({ ...query, skipPausedReplicas: false });
  const due = "CASE WHEN j.state = 'queued' THEN j.not_before ELSE j.lease_until END";
  if (!query.skipPausedReplicas) {
    const row = sql.get<{ at: number | null }>(
      `SELECT MIN(${due}) AS at FROM jobs j JOIN documents d ON d.id = j.document_id
       WHERE j.state IN ('queued', 'running') ${clauses}`,
      ...params,
    );
    return row?.at ?? null;
  }
  // A job of a replica paused until T is claimable at T at the earliest; one paused without an
  // end is not claimable at all.
  const row = sql.get<{ at: number | null }>(
    `SELECT MIN(MAX(${due}, COALESCE(p.until, 0))) AS at
     FROM jobs j JOIN documents d ON d.id = j.document_id
     LEFT JOIN replica_pauses p ON p.replica_uuid = d.replica_uuid AND (p.until IS NULL OR p.until > ?)
     WHERE j.state IN ('queued', 'running') AND NOT (p.replica_uuid IS NOT NULL AND p.until IS NULL) ${clauses}`,
    query.now,
    ...params,
  );
  return row?.at ?? null;
}

/** Every claim skips the jobs of a source paused by hand: it is scanned, but nothing of it is sent. */
const NOT_PAUSED_SOURCE = 'AND NOT EXISTS (SELECT 1 FROM source_pauses sp WHERE sp.source_name = d.source_name)';

function scopeClauses(query: EligibleQuery): { clauses: string; params: unknown[] } {
  const clauses = [`AND j.kind IN (${placeholders(query.kinds.length)})`, NOT_PAUSED_SOURCE];
  const params: unknown[] = [...query.kinds];
  if (query.replicaUUID !== undefined) {
    clauses.push('AND d.replica_uuid = ?');
    params.push(query.replicaUUID);
  }
  if (query.documentId !== undefined) {
    clauses.push('AND j.document_id = ?');
    params.push(query.documentId);
  }
  if (query.sourceNames !== undefined) {
    clauses.push(`AND d.source_name IN (${placeholders(query.sourceNames.length)})`);
    params.push(...query.sourceNames);
  }
  if (query.skipPausedReplicas) {
    clauses.push(
      'AND NOT EXISTS (SELECT 1 FROM replica_pauses p WHERE p.replica_uuid = d.replica_uuid AND (p.until IS NULL OR p.until > ?))',
    );
    params.push(query.now);
  }
  return { clauses: clauses.join('\n       '), params };
}

export function leaseJob(sql: SqlRunner, id: number, owner: string, now: number, leaseMs: number): JobRecord {
  sql.run(
    `UPDATE jobs SET state = 'running', owner = ?, lease_until = ?, claims = claims + 1,
       lease_generation = lease_generation + 1, updated_at = ? WHERE id = ?`,
    owner,
    now + leaseMs,
    now,
    id,
  );
  return requireJob(sql, id);
}

/** The holder check of every running-job transition: owner, and the generation when given. */
const HELD_BY = "id = ? AND owner = ? AND state = 'running' AND (? IS NULL OR lease_generation = ?)";

function heldBy(id: number, owner: string, generation: number | undefined): unknown[] {
  return [id, owner, generation ?? null, generation ?? null];
}

/** Whether this lease still holds its running job (checked inside a document transition). */
export function leaseHolds(sql: SqlRunner, lease: JobLease): boolean {
  return sql.get(`SELECT 1 FROM jobs WHERE ${HELD_BY}`, ...heldBy(lease.jobId, lease.owner, lease.generation)) !== undefined;
}

/** Changes a job this owner holds; false when the lease is no longer theirs. */
export function updateOwnedJob(
  sql: SqlRunner,
  lease: { jobId: number; owner: string; generation?: number | undefined },
  now: number,
  change: { state: JobState; notBefore?: number; error?: LastError; outages?: number },
): boolean {
  const finished = change.state === 'queued' ? null : now;
  const result = sql.run(
    `UPDATE jobs SET state = ?, not_before = COALESCE(?, not_before), last_error = COALESCE(?, last_error),
       outages = COALESCE(?, outages), lease_until = NULL, finished_at = ?, updated_at = ?
     WHERE ${HELD_BY}`,
    change.state,
    change.notBefore ?? null,
    jsonOrNull(change.error),
    change.outages ?? null,
    finished,
    now,
    ...heldBy(lease.jobId, lease.owner, lease.generation),
  );
  return result.changes === 1;
}

export function renewJobLease(sql: SqlRunner, lease: { jobId: number; owner: string; generation?: number | undefined }, now: number, leaseMs: number): boolean {
  const result = sql.run(
    `UPDATE jobs SET lease_until = ?, updated_at = ? WHERE ${HELD_BY}`,
    now + leaseMs,
    now,
    ...heldBy(lease.jobId, lease.owner, lease.generation),
  );
  return result.changes === 1;
}

/** A running upload job is never cancelled from outside: its create may be unsettled (see `unsettledUploadOf`). */
export function cancelJobRow(sql: SqlRunner, id: number, now: number): boolean {
  const job = loadJob(sql, id);
  if (job?.state === 'running' && UPLOAD_JOB_KINDS.includes(job.kind)) return false;
  const result = sql.run(
    "UPDATE jobs SET state = 'cancelled', lease_until = NULL, finished_at = ?, updated_at = ? WHERE id = ? AND state IN ('queued', 'running')",
    now,
    now,
    id,
  );
  return result.changes === 1;
}

export function expireOwnerLeases(sql: SqlRunner, owner: string, now: number): number {
  return sql.run(
    "UPDATE jobs SET lease_until = ?, updated_at = ? WHERE owner = ? AND state = 'running' AND lease_until > ?",
    now,
    now,
    owner,
    now,
  ).changes;
}

/** The document's open jobs, optionally of some kinds only. */
export function openJobsOf(sql: SqlRunner, documentId: number, kinds?: readonly JobKind[]): JobRecord[] {
  // Looked up by document (a handful of rows), never through the queue-order index.
  const rows = sql.all<JobRow>(
    "SELECT * FROM jobs WHERE document_id = ? AND state IN ('queued', 'running') ORDER BY id",
    documentId,
  );
  return rows.map(toJob).filter((job) => kinds === undefined || kinds.includes(job.kind));
}

/**
 * The document's running upload job, if any: between its claim and the settling of its create
 * (entry recorded, released, or reconciled by whoever takes its lease over), the create may have
 * reached Sensay with nothing recorded. A live lease means its holder is at work; an expired one
 * means it died, and only a takeover that reconciles by title can settle it.
 */
export function unsettledUploadOf(sql: SqlRunner, documentId: number): JobRecord | null {
  return openJobsOf(sql, documentId, UPLOAD_JOB_KINDS).find((job) => job.state === 'running') ?? null;
}

/** Ends open jobs of a document as part of a document transition. */
export function closeJobs(
  sql: SqlRunner,
  jobs: readonly JobRecord[],
  now: number,
  outcome: { running: JobState | 'keep'; queued: JobState | 'keep'; error?: LastError },
): void {
  for (const job of jobs) {
    const next = job.state === 'running' ? outcome.running : job.state === 'queued' ? outcome.queued : 'keep';
    if (next === 'keep') continue;
    sql.run(
      `UPDATE jobs SET state = ?, last_error = COALESCE(?, last_error), lease_until = NULL, finished_at = ?, updated_at = ?
       WHERE id = ?`,
      next,
      jsonOrNull(outcome.error),
      now,
      now,
      job.id,
    );
  }
}

export function listJobRows(sql: SqlRunner, filter: JobFilter): JobRecord[] {
  const where: string[] = [];
  const params: unknown[] = [];
  const addIn = (column: string, values: readonly unknown[] | undefined): boolean => {
    if (values === undefined) return true;
    if (values.length === 0) return false;
    where.push(`${column} IN (${placeholders(values.length)})`);
    params.push(...values);
    return true;
  };
  if (!addIn('j.state', filter.states) || !addIn('j.kind', filter.kinds)) return [];
  if (filter.documentId !== undefined) {
    where.push('j.document_id = ?');
    params.push(filter.documentId);
  }
  if (filter.owner !== undefined) {
    where.push('j.owner = ?');
    params.push(filter.owner);
  }
  let join = '';
  if (filter.replicaUUID !== undefined) {
    join = ' JOIN documents d ON d.id = j.document_id';
    where.push('d.replica_uuid = ?');
    params.push(filter.replicaUUID);
  }
  const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  const limitSql = filter.limit === undefined ? '' : ' LIMIT ?';
  if (filter.limit !== undefined) params.push(filter.limit);
  return sql
    .all<JobRow>(
      `SELECT j.* FROM jobs j${join}${whereSql} ORDER BY j.priority DESC, j.created_at ASC, j.id ASC${limitSql}`,
      ...params,
    )
    .map(toJob);
}
