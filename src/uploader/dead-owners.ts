import { hostname as osHostname } from 'node:os';
import type { Store } from '../store/store.js';

export type DeadOwnerDeps = {
  store: Pick<Store, 'listJobs' | 'expireLeases'>;
  now: number;
  /** This machine's name, as `leaseOwnerId()` writes it. */
  hostname?: string;
  /** Whether a pid is a live process on this machine. */
  isAlive?: (pid: number) => boolean;
};

/**
 * A process killed on this machine leaves its jobs leased for the rest of the lease (minutes).
 * Its owner id names this host and its pid, so when that pid is no longer running the leases
 * can be recovered at once instead of waiting. Owners on other hosts, or whose pid is alive (even
 * if reused), are left to expire normally — the fast path only ever shortens a wait for a
 * process that provably cannot finish its job.
 */
export async function expireDeadLocalLeases(deps: DeadOwnerDeps): Promise<string[]> {
  const host = deps.hostname ?? osHostname();
  const isAlive = deps.isAlive ?? processIsAlive;
  const running = await deps.store.listJobs({ states: ['running'] });
  const owners = new Set(running.map((job) => job.owner).filter((owner): owner is string => owner !== null));
  const dead: string[] = [];
  for (const owner of owners) {
    const pid = localPid(owner, host);
    if (pid === null || isAlive(pid)) continue;
    await deps.store.expireLeases(owner, deps.now);
    dead.push(owner);
  }
  return dead;
}

/** The pid in `host:pid:suffix` when `host` is this machine; null otherwise. */
export function localPid(owner: string, host: string): number | null {
  const parts = owner.split(':');
  if (parts.length < 3) return null;
  const suffix = parts.pop();
  const pidText = parts.pop();
  if (suffix === undefined || pidText === undefined || parts.join(':') !== host) return null;
  const pid = Number(pidText);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the pid exists but belongs to someone else — alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
