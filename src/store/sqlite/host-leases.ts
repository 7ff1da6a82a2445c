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
import type { SqlRunner } from './sql-runner.js';

/** Host registry, source ownership, replica leases and the shared request window. Writes run inside one write transaction. */

export function registerHost(sql: SqlRunner, input: RegisterHostInput): HostRecord {
  sql.run(
    `INSERT INTO hosts (name, id, first_seen_at, last_seen_at, last_owner) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET last_seen_at = MAX(hosts.last_seen_at, excluded.last_seen_at), last_owner = excluded.last_owner`,
    input.hostName,
    input.newId,
    input.now,
    input.now,
    input.owner,
  );
  return toHost(sql.get<HostRow>('SELECT * FROM hosts WHERE name = ?', input.hostName) as HostRow);
}

export function listHosts(sql: SqlRunner): HostRecord[] {
  return sql.all<HostRow>('SELECT * FROM hosts ORDER BY name').map(toHost);
}

function sourceOwner(sql: SqlRunner, sourceName: string): SourceOwnerRecord | null {
  const row = sql.get<SourceOwnerRow>('SELECT * FROM source_owners WHERE source_name = ?', sourceName);
  return row ? toSourceOwner(row) : null;
}

export function claimSource(sql: SqlRunner, input: ClaimSourceInput): SourceClaim {
  const row = sourceOwner(sql, input.sourceName);
  const decision = decideSourceClaim(row, input, input.now);
  if (decision.action === 'refuse') return { granted: false, reason: decision.reason, holder: row as SourceOwnerRecord };
  const until = input.now + input.leaseMs;
  if (decision.action === 'insert') {
    sql.run(
      `INSERT INTO source_owners (source_name, host_name, home_host, as_standby, owner, lease_until, generation, claimed_at)
       VALUES (?, ?, ?, ?, ?, ?, 1, ?)`,
      input.sourceName,
      input.hostName,
      decision.homeHost,
      decision.asStandby ? 1 : 0,
      input.owner,
      until,
      input.now,
    );
  } else {
    const bump = decision.action === 'take' ? 1 : 0;
    sql.run(
      `UPDATE source_owners SET host_name = ?, home_host = ?, as_standby = ?, owner = ?,
         lease_until = MAX(CASE WHEN ? = 1 THEN 0 ELSE lease_until END, ?), generation = generation + ?,
         claimed_at = CASE WHEN ? = 1 THEN ? ELSE claimed_at END
       WHERE source_name = ?`,
      input.hostName,
      decision.homeHost,
      decision.asStandby ? 1 : 0,
      input.owner,
      bump,
      until,
      bump,
      bump,
      input.now,
      input.sourceName,
    );
  }
  const record = sourceOwner(sql, input.sourceName) as SourceOwnerRecord;
  const lease = { sourceName: record.sourceName, hostName: record.hostName, generation: record.generation };
  return { granted: true, lease, record, takenOver: decision.action === 'take' ? decision.takeover : null };
}

const HOLDS = 'source_name = ? AND host_name = ? AND generation = ?';
const holds = (lease: SourceLease) => [lease.sourceName, lease.hostName, lease.generation];

export function renewSource(sql: SqlRunner, input: RenewSourceInput): boolean {
  const until = input.now + input.leaseMs;
  return (
    sql.run(`UPDATE source_owners SET lease_until = MAX(lease_until, ?), owner = ? WHERE ${HOLDS}`, until, input.owner, ...holds(input.lease))
      .changes === 1
  );
}

export function releaseSource(sql: SqlRunner, lease: SourceLease, now: number): boolean {
  return sql.run(`UPDATE source_owners SET lease_until = MIN(lease_until, ?) WHERE ${HOLDS}`, now, ...holds(lease)).changes === 1;
}

export function listSourceOwners(sql: SqlRunner): SourceOwnerRecord[] {
  return sql.all<SourceOwnerRow>('SELECT * FROM source_owners ORDER BY source_name').map(toSourceOwner);
}

export function claimReplicaLease(sql: SqlRunner, input: ClaimReplicaLeaseInput): ReplicaLeaseClaim {
  const row = sql.get<ReplicaLeaseRow>('SELECT * FROM replica_leases WHERE replica_uuid = ? AND role = ?', input.replicaUUID, input.role);
  const action = decideReplicaLease(row ? { hostName: row.host_name, leaseUntil: row.lease_until } : null, input.hostName, input.now);
  if (action === 'refuse') return { held: false, holder: row?.host_name ?? '', until: row?.lease_until ?? input.now };
  const until = input.now + input.leaseMs;
  if (action === 'insert') {
    sql.run(
      'INSERT INTO replica_leases (replica_uuid, role, host_name, owner, lease_until, generation) VALUES (?, ?, ?, ?, ?, 1)',
      input.replicaUUID,
      input.role,
      input.hostName,
      input.owner,
      until,
    );
    return { held: true, generation: 1 };
  }
  const bump = action === 'take' ? 1 : 0;
  sql.run(
    `UPDATE replica_leases SET host_name = ?, owner = ?, lease_until = ?, generation = generation + ? WHERE replica_uuid = ? AND role = ?`,
    input.hostName,
    input.owner,
    until,
    bump,
    input.replicaUUID,
    input.role,
  );
  return { held: true, generation: (row?.generation ?? 0) + bump };
}

export function listReplicaLeases(sql: SqlRunner): ReplicaLeaseRecord[] {
  return sql.all<ReplicaLeaseRow>('SELECT * FROM replica_leases ORDER BY replica_uuid, role').map(toReplicaLease);
}

export function takeRequestPermits(sql: SqlRunner, input: TakePermitsInput): PermitGrant {
  const since = input.now - input.windowMs;
  const batches = sql.all<{ takenAt: number; count: number }>(
    'SELECT taken_at AS takenAt, count FROM request_permits WHERE scope = ? AND taken_at > ? ORDER BY taken_at',
    input.scope,
    since,
  );
  const grant = decidePermits(batches, input);
  if (grant.granted > 0) {
    sql.run('INSERT INTO request_permits (scope, taken_at, count, host_name) VALUES (?, ?, ?, ?)', input.scope, input.now, grant.granted, input.hostName);
    sql.run('DELETE FROM request_permits WHERE scope = ? AND taken_at <= ?', input.scope, since);
  }
  return grant;
}
