import type { HostRecord, ReplicaLeaseRecord, ReplicaLeaseRole, SourceOwnerRecord } from './hosts.js';

/** Rows of the host tables as both adapters read them (SQLite keeps booleans as 0/1). */
export type HostRow = { name: string; id: string; first_seen_at: number; last_seen_at: number; last_owner: string };
export type SourceOwnerRow = {
  source_name: string;
  host_name: string;
  home_host: string | null;
  as_standby: number | boolean;
  owner: string;
  lease_until: number;
  generation: number;
  claimed_at: number;
};
export type ReplicaLeaseRow = { replica_uuid: string; role: string; host_name: string; owner: string; lease_until: number; generation: number };

export const toHost = (row: HostRow): HostRecord => ({
  name: row.name,
  id: row.id,
  firstSeenAt: row.first_seen_at,
  lastSeenAt: row.last_seen_at,
  lastOwner: row.last_owner,
});

export const toSourceOwner = (row: SourceOwnerRow): SourceOwnerRecord => ({
  sourceName: row.source_name,
  hostName: row.host_name,
  homeHost: row.home_host,
  asStandby: row.as_standby === true || row.as_standby === 1,
  owner: row.owner,
  leaseUntil: row.lease_until,
  generation: row.generation,
  claimedAt: row.claimed_at,
});

export const toReplicaLease = (row: ReplicaLeaseRow): ReplicaLeaseRecord => ({
  replicaUUID: row.replica_uuid,
  role: row.role as ReplicaLeaseRole,
  hostName: row.host_name,
  owner: row.owner,
  leaseUntil: row.lease_until,
  generation: row.generation,
});
