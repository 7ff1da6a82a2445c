import type { Store } from '../store/store.js';
import { ownerIdentity } from './owner-id.js';
import { currentProcessIdentity, processStartTime, type ProcessIdentity } from './process-identity.js';

export type DeadOwnerDeps = {
  store: Pick<Store, 'listJobs' | 'expireLeases'>;
  now: number;
  /** This process's identity (default: read from /proc). */
  self?: ProcessIdentity;
  /** The start time of a pid in this pid namespace, null when none runs (default: /proc/<pid>/stat). */
  startTimeOf?: (pid: number) => string | null;
};

/**
 * A process killed on this machine leaves its jobs leased for the rest of the lease (minutes).
 * When its owner id proves it ran in this boot and this pid namespace, and that pid with that
 * start time no longer exists, the leases are recovered at once. Every other owner (another host,
 * another container, an id without identity, a process still alive) is left to expire normally:
 * the fast path only ever shortens a wait for a process that provably cannot finish its job.
 */
export async function expireDeadLocalLeases(deps: DeadOwnerDeps): Promise<string[]> {
  const self = deps.self ?? currentProcessIdentity();
  const startTimeOf = deps.startTimeOf ?? processStartTime;
  const running = await deps.store.listJobs({ states: ['running'] });
  const owners = new Set(running.map((job) => job.owner).filter((owner): owner is string => owner !== null));
  const dead: string[] = [];
  for (const owner of owners) {
    if (!isDeadOnThisHost(owner, self, startTimeOf)) continue;
    await deps.store.expireLeases(owner, deps.now);
    dead.push(owner);
  }
  return dead;
}

/** Pure: dead only when boot id and pid namespace match ours and that pid with that start time is gone. */
export function isDeadOnThisHost(owner: string, self: ProcessIdentity, startTimeOf: (pid: number) => string | null): boolean {
  const them = ownerIdentity(owner);
  if (!them || self.bootId === null || self.pidNamespace === null) return false;
  if (them.bootId !== self.bootId || them.pidNamespace !== self.pidNamespace) return false;
  return startTimeOf(them.pid) !== them.startTime;
}

/**
 * Pure: the owner provably still runs on this machine (same boot and pid namespace, that pid with
 * that start time exists). A standby never takes a source from such a process even when its lease
 * ran out (its renewals stalled: a store outage), since it may still be scanning and uploading.
 */
export function isAliveOnThisHost(owner: string, self: ProcessIdentity, startTimeOf: (pid: number) => string | null): boolean {
  const them = ownerIdentity(owner);
  if (!them || self.bootId === null || self.pidNamespace === null) return false;
  if (them.bootId !== self.bootId || them.pidNamespace !== self.pidNamespace) return false;
  return startTimeOf(them.pid) === them.startTime;
}
