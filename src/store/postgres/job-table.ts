import type { LastError } from '../documents.js';
import { invalidArgument } from '../errors.js';
import { UPLOAD_JOB_KINDS, type EnqueueJobInput, type EnqueueJobResult, type JobFilter, type JobKind, type JobLease, type JobRecord, type JobState } from '../jobs.js';
import { jsonOrNull, toJob, type JobRow } from '../rows.js';
import { Params, type PgRunner } from './pg-runner.js';

export async function loadJob(sql: PgRunner, id: number): Promise<JobRecord | null> {
  const row = await sql.row<JobRow>('SELECT * FROM jobs WHERE id = $1', [id]);
  return row ? toJob(row) : null;
}

/**
 * Idempotent per document and kind; the unique index on open jobs settles a race between two
 * hosts (the loser reads the winner's job).
 */
export async function enqueueJobRow(sql: PgRunner, input: EnqueueJobInput): Promise<EnqueueJobResult> {
  const open = await openJobOfKind(sql, input.documentId, input.kind);
  if (open) return { job: open, created: false };
  if (!(await sql.row('SELECT 1 FROM documents WHERE id = $1', [input.documentId]))) {
    throw invalidArgument(`Cannot enqueue a ${input.kind} job: document ${input.documentId} does not exist`);
  }
  const row = await sql.row<JobRow>(
    `INSERT INTO jobs (document_id, kind, state, priority, not_before, payload, created_at, updated_at)
     VALUES ($1, $2, 'queued', $3, $4, $5, $6, $6)
     ON CONFLICT (document_id, kind) WHERE state IN ('queued', 'running') DO NOTHING RETURNING *`,
    [input.documentId, input.kind, input.priority ?? 0, input.notBefore ?? input.now, JSON.stringify(input.payload ?? null), input.now],
  );
  if (row) return { job: toJob(row), created: true };
  const raced = await openJobOfKind(sql, input.documentId, input.kind);
  if (!raced) throw new Error(`job ${input.kind} of document ${input.documentId} vanished inside its transaction`);
  return { job: raced, created: false };
}

async function openJobOfKind(sql: PgRunner, documentId: number, kind: JobKind): Promise<JobRecord | null> {
  const row = await sql.row<JobRow>(
    "SELECT * FROM jobs WHERE document_id = $1 AND kind = $2 AND state IN ('queued', 'running')",
    [documentId, kind],
  );
  return row ? toJob(row) : null;
}

export async function leaseJob(sql: PgRunner, id: number, owner: string, now: number, leaseMs: number): Promise<JobRecord> {
  const row = await sql.row<JobRow>(
    `UPDATE jobs SET state = 'running', owner = $1, lease_until = $2, claims = claims + 1,
       lease_generation = lease_generation + 1, updated_at = $3 WHERE id = $4 RETURNING *`,
    [owner, now + leaseMs, now, id],
  );
  if (!row) throw new Error(`job ${id} vanished inside its transaction`);
  return toJob(row);
}

/**
 * The holder check of every running-job transition, in the statement that makes it: owner, and
 * the lease generation when given (`… WHERE id = $1 AND lease_generation = $2`).
 */
function heldBy(p: Params, lease: { jobId: number; owner: string; generation?: number | undefined }): string {
  const generation = lease.generation === undefined ? '' : ` AND lease_generation = ${p.add(lease.generation)}`;
  return `id = ${p.add(lease.jobId)} AND owner = ${p.add(lease.owner)} AND state = 'running'${generation}`;
}

/**
 * Whether this lease still holds its running job, inside a document transition. The job row is
 * locked until the transition commits, so no claim can take it over in between.
 */
export async function leaseHolds(sql: PgRunner, lease: JobLease): Promise<boolean> {
  const p = new Params();
  return (await sql.row(`SELECT 1 FROM jobs WHERE ${heldBy(p, lease)} FOR UPDATE`, p.values)) !== undefined;
}

/** Changes a job this owner holds; false when the lease is no longer theirs. */
export async function updateOwnedJob(
  sql: PgRunner,
  lease: { jobId: number; owner: string; generation?: number | undefined },
  now: number,
  change: { state: JobState; notBefore?: number; error?: LastError; outages?: number },
): Promise<boolean> {
  const p = new Params();
  const set = [
    `state = ${p.add(change.state)}`,
    `not_before = COALESCE(${p.add(change.notBefore ?? null)}::double precision, not_before)`,
    `last_error = COALESCE(${p.add(jsonOrNull(change.error))}::text, last_error)`,
    `outages = COALESCE(${p.add(change.outages ?? null)}::integer, outages)`,
    'lease_until = NULL',
    `finished_at = ${p.add(change.state === 'queued' ? null : now)}::double precision`,
    `updated_at = ${p.add(now)}`,
  ];
  return (await sql.run(`UPDATE jobs SET ${set.join(', ')} WHERE ${heldBy(p, lease)}`, p.values)) === 1;
}

export async function renewJobLease(
  sql: PgRunner,
  lease: { jobId: number; owner: string; generation?: number | undefined },
  now: number,
  leaseMs: number,
): Promise<boolean> {
  const p = new Params();
  const set = `lease_until = ${p.add(now + leaseMs)}, updated_at = ${p.add(now)}`;
  return (await sql.run(`UPDATE jobs SET ${set} WHERE ${heldBy(p, lease)}`, p.values)) === 1;
}

/** A running upload job is never cancelled from outside: its create may be unsettled (see `unsettledUploadOf`). */
export async function cancelJobRow(sql: PgRunner, id: number, now: number): Promise<boolean> {
  const changed = await sql.run(
    `UPDATE jobs SET state = 'cancelled', lease_until = NULL, finished_at = $1, updated_at = $1
     WHERE id = $2 AND (state = 'queued' OR (state = 'running' AND kind <> ALL($3::text[])))`,
    [now, id, [...UPLOAD_JOB_KINDS]],
  );
  return changed === 1;
}

export async function expireOwnerLeases(sql: PgRunner, owner: string, now: number): Promise<number> {
  return sql.run(
    "UPDATE jobs SET lease_until = $1, updated_at = $1 WHERE owner = $2 AND state = 'running' AND lease_until > $1",
    [now, owner],
  );
}

/** The document's open jobs (its row is locked by the caller), optionally of some kinds only. */
export async function openJobsOf(sql: PgRunner, documentId: number, kinds?: readonly JobKind[]): Promise<JobRecord[]> {
  const rows = await sql.rows<JobRow>(
    "SELECT * FROM jobs WHERE document_id = $1 AND state IN ('queued', 'running') ORDER BY id FOR UPDATE",
    [documentId],
  );
  return rows.map(toJob).filter((job) => kinds === undefined || kinds.includes(job.kind));
}

/**
 * The document's running upload job, if any: between its claim and the settling of its create
 * (entry recorded, released, or reconciled by whoever takes its lease over), the create may have
 * reached Sensay with nothing recorded. A live lease means its holder is at work; an expired one
 * means it died, and only a takeover that reconciles by title can settle it.
 */
export async function unsettledUploadOf(sql: PgRunner, documentId: number): Promise<JobRecord | null> {
  return (await openJobsOf(sql, documentId, UPLOAD_JOB_KINDS)).find((job) => job.state === 'running') ?? null;
}

/** Ends open jobs of a document as part of a document transition. */
export async function closeJobs(
  sql: PgRunner,
  jobs: readonly JobRecord[],
  now: number,
  outcome: { running: JobState | 'keep'; queued: JobState | 'keep'; error?: LastError },
): Promise<void> {
  for (const job of jobs) {
    const next = job.state === 'running' ? outcome.running : job.state === 'queued' ? outcome.queued : 'keep';
    if (next === 'keep') continue;
    await sql.run(
      `UPDATE jobs SET state = $1, last_error = COALESCE($2::text, last_error), lease_until = NULL, finished_at = $3, updated_at = $3
       WHERE id = $4`,
      [next, jsonOrNull(outcome.error), now, job.id],
    );
  }
}

export async function listJobRows(sql: PgRunner, filter: JobFilter): Promise<JobRecord[]> {
  const p = new Params();
  const where: string[] = [];
  for (const [column, values] of [['j.state', filter.states], ['j.kind', filter.kinds]] as const) {
    if (values === undefined) continue;
    if (values.length === 0) return [];
    where.push(`${column} IN (${p.list(values)})`);
  }
  if (filter.documentId !== undefined) where.push(`j.document_id = ${p.add(filter.documentId)}`);
  if (filter.owner !== undefined) where.push(`j.owner = ${p.add(filter.owner)}`);
  let join = '';
  if (filter.replicaUUID !== undefined) {
    join = ' JOIN documents d ON d.id = j.document_id';
    where.push(`d.replica_uuid = ${p.add(filter.replicaUUID)}`);
  }
  const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  const limitSql = filter.limit === undefined ? '' : ` LIMIT ${p.add(filter.limit)}`;
  const rows = await sql.rows<JobRow>(
    `SELECT j.* FROM jobs j${join}${whereSql} ORDER BY j.priority DESC, j.created_at ASC, j.id ASC${limitSql}`,
    p.values,
  );
  return rows.map(toJob);
}
