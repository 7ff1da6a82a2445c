import { documentTotals, type DocumentTotals } from '../engine/document-totals.js';
import type { DocumentState, SourceOwnerRecord, Store } from '../store/store.js';

/** Who holds a source, as the console shows it (several hosts on one PostgreSQL state, issue 10). */
export interface SourceHolder {
  host: string | null;
  /** The holder took it over as a standby for this host. */
  standbyFor: string | null;
  /** The holder renewed its lease recently. */
  live: boolean;
}

export interface HostTotals {
  name: string;
  /** A process of this host holds at least one source now. */
  live: boolean;
  sources: string[];
  totals: DocumentTotals;
}

export function holderOf(owner: SourceOwnerRecord | undefined, now: number): SourceHolder {
  if (!owner) return { host: null, standbyFor: null, live: false };
  const standbyFor = owner.asStandby && owner.homeHost !== owner.hostName ? owner.homeHost : null;
  return { host: owner.hostName, standbyFor, live: owner.leaseUntil > now };
}

/**
 * Pure: totals by host, summed over the sources each host holds (every source registered in the
 * store, not only this host's), sorted by host name. Empty on a single host that never claimed one.
 */
export function totalsByHost(
  owners: readonly SourceOwnerRecord[],
  countsBySource: ReadonlyMap<string, Record<DocumentState, number>>,
  now: number,
): HostTotals[] {
  const byHost = new Map<string, { live: boolean; sources: string[]; counts: Record<DocumentState, number>[] }>();
  for (const owner of owners) {
    const entry = byHost.get(owner.hostName) ?? { live: false, sources: [], counts: [] };
    entry.live ||= owner.leaseUntil > now;
    entry.sources.push(owner.sourceName);
    const counts = countsBySource.get(owner.sourceName);
    if (counts) entry.counts.push(counts);
    byHost.set(owner.hostName, entry);
  }
  return [...byHost.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, e]) => ({ name, live: e.live, sources: e.sources.sort(), totals: documentTotals(sumCounts(e.counts)) }));
}

function sumCounts(all: readonly Record<DocumentState, number>[]): Record<DocumentState, number> {
  const sum: Record<string, number> = {};
  for (const counts of all) for (const [state, n] of Object.entries(counts)) sum[state] = (sum[state] ?? 0) + n;
  return sum as Record<DocumentState, number>;
}

/** The store's side of `totalsByHost`: each registered source counted by state. */
export async function hostTotals(store: Store, now: number): Promise<{ owners: SourceOwnerRecord[]; hosts: HostTotals[] }> {
  const owners = await store.listSourceOwners();
  const counts = new Map<string, Record<DocumentState, number>>();
  for (const owner of owners) counts.set(owner.sourceName, await store.countDocumentsByState({ sourceName: owner.sourceName }));
  return { owners, hosts: totalsByHost(owners, counts, now) };
}
