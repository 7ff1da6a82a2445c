/**
 * Several hosts on one store (issue 10 §3, §4, §2): who each host is, which host owns each
 * source, which host polls each replica, and the request window they share. Leases carry a
 * generation: a holder that lost its lease (taken over, reclaimed) changes nothing with it.
 */

/** A host known to the store, by `host.name`; `id` is stable for that name across machines and runs. */
export interface HostRecord {
  name: string;
  id: string;
  firstSeenAt: number;
  lastSeenAt: number;
  /** Lease owner id (process identity) of the last process of this host that registered. */
  lastOwner: string;
}

export interface RegisterHostInput {
  hostName: string;
  owner: string;
  now: number;
  /** The id given to a host seen for the first time (the store never draws random numbers). */
  newId: string;
}

/** Who holds a source now, and whose it is. */
export interface SourceOwnerRecord {
  sourceName: string;
  /** The host holding the source's lease (or that held it last). */
  hostName: string;
  /** The non-standby host the source belongs to; null while only a standby has claimed it. */
  homeHost: string | null;
  /** The holder took the source as a standby: its home host reclaims it when it comes back. */
  asStandby: boolean;
  /** Lease owner id of the holder's process that claimed or renewed last. */
  owner: string;
  leaseUntil: number;
  generation: number;
  claimedAt: number;
}

export interface ClaimSourceInput {
  sourceName: string;
  hostName: string;
  owner: string;
  /** `sources[].standby` on the claiming host. */
  standby: boolean;
  now: number;
  leaseMs: number;
}

/** What a holder names when it renews or releases: the fencing token of its source lease. */
export interface SourceLease {
  sourceName: string;
  hostName: string;
  generation: number;
}

export type SourceTakeover = { fromHost: string; reason: 'EXPIRED' | 'RECLAIMED' };

export type SourceClaim =
  | { granted: true; lease: SourceLease; record: SourceOwnerRecord; takenOver: SourceTakeover | null }
  /**
   * `OWNED`: another host's source and this host is not its standby (a config error on this host).
   * `STANDBY_WAITING`: this host is a standby and the holder's lease is still running.
   */
  | { granted: false; reason: 'OWNED' | 'STANDBY_WAITING'; holder: SourceOwnerRecord };

export interface RenewSourceInput {
  lease: SourceLease;
  owner: string;
  now: number;
  leaseMs: number;
}

/** What may be leased per replica: polling (the poller's deletes of errored and replaced entries go with it). */
export type ReplicaLeaseRole = 'poll';

export interface ClaimReplicaLeaseInput {
  replicaUUID: string;
  role: ReplicaLeaseRole;
  hostName: string;
  owner: string;
  now: number;
  leaseMs: number;
}

export interface ReplicaLeaseRecord {
  replicaUUID: string;
  role: ReplicaLeaseRole;
  hostName: string;
  owner: string;
  leaseUntil: number;
  generation: number;
}

export type ReplicaLeaseClaim =
  | { held: true; generation: number }
  | { held: false; holder: string; until: number };

/**
 * A batch of request permits from the window every host shares (`requestsPerMinute`): at most
 * `limit` permits are handed out in any `windowMs`.
 */
export interface TakePermitsInput {
  scope: string;
  want: number;
  limit: number;
  windowMs: number;
  now: number;
  hostName: string;
}

/** `granted` may be fewer than wanted; 0 with `retryAt`: when the window frees enough for one. */
export interface PermitGrant {
  granted: number;
  retryAt: number | null;
}
