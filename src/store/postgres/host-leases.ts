import type {
  ClaimReplicaLeaseInput,
  ClaimSourceInput,
  HostRecord,
  PermitGrant,
  RegisterHostInput,
  RenewSourceInput,
  ReplicaLeaseClaim,
  ReplicaLeaseRecord,
  SourceClaim,
  SourceLease,
  SourceOwnerRecord,
  TakePermitsInput,
} from '../hosts.js';
import { toHost, toReplicaLease, toSourceOwner, type HostRow, type ReplicaLeaseRow, type SourceOwnerRow } from '../host-rows.js';
import { decidePermits, decideReplicaLease, decideSourceClaim } from '../source-ownership.js';
import { ADVISORY_LOCK_CLASSES } from './advisory-locks.js';
import type { PgRunner } from './pg-runner.js';

/**
 * Host registry, source ownership, replica leases and the shared request window on PostgreSQL
 * (SQLite: sqlite/host-leases.ts). Each decision reads then writes one row: an advisory lock on
 * the row's key, taken first, serialises the hosts deciding about it until the transaction ends.
 */

async function lockKey(sql: PgRunner, key: string): Promise<void> {
  await sql.run('SELECT pg_advisory_xact_lock($1::integer, hashtext($2))', [ADVISORY_LOCK_CLASSES.hostLease, key]);
}

export async function registerHost(sql: PgRunner, input: RegisterHostInput): Promise<HostRecord> {
  const row = await sql.row<HostRow>(
    `INSERT INTO hosts (name, id, first_seen_at, last_seen_at, last_owner) VALUES ($1, $2, $3, $3, $4)
     ON CONFLICT (name) DO UPDATE SET last_seen_at = GREATEST(hosts.last_seen_at, excluded.last_seen_at), last_owner = excluded.last_owner
     RETURNING *`,
    [input.hostName, input.newId, input.now, input.owner],
  );
  if (!row) throw new Error('a host upsert returned no row');
  return toHost(row);
}

export async function listHosts(sql: PgRunner): Promise<HostRecord[]> {
  return (await sql.rows<HostRow>('SELECT * FROM hosts ORDER BY name')).map(toHost);
}

async function sourceOwner(sql: PgRunner, sourceName: string): Promise<SourceOwnerRecord | null> {
  const row = await sql.row<SourceOwnerRow>('SELECT * FROM source_owners WHERE source_name = $1', [sourceName]);
  return row ? toSourceOwner(row) : null;
}

export async function claimSource(sql: PgRunner, input: ClaimSourceInput): Promise<SourceClaim> {
  await lockKey(sql, `source:${input.sourceName}`);
  const row = await sourceOwner(sql, input.sourceName);
  const decision = decideSourceClaim(row, input, input.now);
  if (decision.action === 'refuse') return { granted: false, reason: decision.reason, holder: row as SourceOwnerRecord };
  const until = input.now + input.leaseMs;
  if (decision.action === 'insert') {
    await sql.run(
      `INSERT INTO source_owners (source_name, host_name, home_host, as_standby, owner, lease_until, generation, claimed_at)
       VALUES ($1, $2, $3, $4, $5, $6, 1, $7)`,
      [input.sourceName, input.hostName, decision.homeHost, decision.asStandby, input.owner, until, input.now],
    );
  } else {
    const take = decision.action === 'take';
    await sql.run(
      `UPDATE source_owners SET host_name = $1, home_host = $2, as_standby = $3, owner = $4,
         lease_until = CASE WHEN $5 THEN $6 ELSE GREATEST(lease_until, $6) END,
         generation = generation + CASE WHEN $5 THEN 1 ELSE 0 END,
         claimed_at = CASE WHEN $5 THEN $7 ELSE claimed_at END
       WHERE source_name = $8`,
      [input.hostName, decision.homeHost, decision.asStandby, input.owner, take, until, input.now, input.sourceName],
    );
  }
  const record = (await sourceOwner(sql, input.sourceName)) as SourceOwnerRecord;
  const lease = { sourceName: record.sourceName, hostName: record.hostName, generation: record.generation };
  return { granted: true, lease, record, takenOver: decision.action === 'take' ? decision.takeover : null };
}

export async function renewSource(sql: PgRunner, input: RenewSourceInput): Promise<boolean> {
  const { lease } = input;
  const changed = await sql.run(
    `UPDATE source_owners SET lease_until = GREATEST(lease_until, $1), owner = $2
     WHERE source_name = $3 AND host_name = $4 AND generation = $5`,
    [input.now + input.leaseMs, input.owner, lease.sourceName, lease.hostName, lease.generation],
  );
  return changed === 1;
}

export async function releaseSource(sql: PgRunner, lease: SourceLease, now: number): Promise<boolean> {
  const changed = await sql.run(
    'UPDATE source_owners SET lease_until = LEAST(lease_until, $1) WHERE source_name = $2 AND host_name = $3 AND generation = $4',
    [now, lease.sourceName, lease.hostName, lease.generation],
  );
  return changed === 1;
}

export async function listSourceOwners(sql: PgRunner): Promise<SourceOwnerRecord[]> {
  return (await sql.rows<SourceOwnerRow>('SELECT * FROM source_owners ORDER BY source_name')).map(toSourceOwner);
}

export async function claimReplicaLease(sql: PgRunner, input: ClaimReplicaLeaseInput): Promise<ReplicaLeaseClaim> {
  await lockKey(sql, `replica:${input.replicaUUID}:${input.role}`);
  const row = await sql.row<ReplicaLeaseRow>('SELECT * FROM replica_leases WHERE replica_uuid = $1 AND role = $2', [input.replicaUUID, input.role]);
  const action = decideReplicaLease(row ? { hostName: row.host_name, leaseUntil: row.lease_until } : null, input.hostName, input.now);
  if (action === 'refuse') return { held: false, holder: row?.host_name ?? '', until: row?.lease_until ?? input.now };
  const until = input.now + input.leaseMs;
  const bump = action === 'take' ? 1 : 0;
  const written = await sql.row<{ generation: number }>(
    `INSERT INTO replica_leases (replica_uuid, role, host_name, owner, lease_until, generation) VALUES ($1, $2, $3, $4, $5, 1)
     ON CONFLICT (replica_uuid, role) DO UPDATE SET host_name = excluded.host_name, owner = excluded.owner,
       lease_until = excluded.lease_until, generation = replica_leases.generation + $6
     RETURNING generation`,
    [input.replicaUUID, input.role, input.hostName, input.owner, until, bump],
  );
  return { held: true, generation: written?.generation ?? 1 };
}

export async function listReplicaLeases(sql: PgRunner): Promise<ReplicaLeaseRecord[]> {
  const rows = await sql.rows<ReplicaLeaseRow>('SELECT * FROM replica_leases ORDER BY replica_uuid, role');
  return rows.map(toReplicaLease);
}

export async function takeRequestPermits(sql: PgRunner, input: TakePermitsInput): Promise<PermitGrant> {
  await lockKey(sql, `permits:${input.scope}`);
  const since = input.now - input.windowMs;
  const batches = await sql.rows<{ takenAt: number; count: number }>(
    'SELECT taken_at AS "takenAt", count FROM request_permits WHERE scope = $1 AND taken_at > $2 ORDER BY taken_at',
    [input.scope, since],
  );
  const grant = decidePermits(batches, input);
  if (grant.granted > 0) {
    await sql.run('INSERT INTO request_permits (scope, taken_at, count, host_name) VALUES ($1, $2, $3, $4)', [input.scope, input.now, grant.granted, input.hostName]);
    await sql.run('DELETE FROM request_permits WHERE scope = $1 AND taken_at <= $2', [input.scope, since]);
  }
  return grant;
}
