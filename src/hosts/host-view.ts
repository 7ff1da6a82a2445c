import { DOCUMENT_STATES } from '../store/documents.js';
import type { DocumentRecord, DocumentState, HostRecord, SourceOwnerRecord, Store } from '../store/store.js';

/** One source as every host sees it: who holds it, and its documents by state. */
export interface SourceView {
  source: string;
  /** The host holding the source (or that held it last); null: no host has claimed it. */
  host: string | null;
  /** The non-standby host it belongs to, when that is not the holder. */
  homeHost: string | null;
  /** The holder took it as a standby (its home host is down). */
  asStandby: boolean;
  /** The holder renewed its lease recently (it is running). */
  live: boolean;
  documents: Record<DocumentState, number>;
}

export interface HostView {
  name: string;
  id: string;
  lastSeenAt: number;
  /** The sources it holds now. */
  sources: string[];
}

export interface OrganisationView {
  bySource: SourceView[];
  hosts: HostView[];
}

const emptyCounts = (): Record<DocumentState, number> => Object.fromEntries(DOCUMENT_STATES.map((s) => [s, 0])) as Record<DocumentState, number>;

/** Pure: documents by source and by the host that owns each source (issue 10 §6), sorted by source. */
export function organisationView(
  documents: readonly Pick<DocumentRecord, 'sourceName' | 'state'>[],
  owners: readonly SourceOwnerRecord[],
  hosts: readonly HostRecord[],
  now: number,
): OrganisationView {
  const counts = new Map<string, Record<DocumentState, number>>();
  for (const doc of documents) {
    const byState = counts.get(doc.sourceName) ?? emptyCounts();
    byState[doc.state]++;
    counts.set(doc.sourceName, byState);
  }
  const ownerOf = new Map(owners.map((o) => [o.sourceName, o]));
  const names = [...new Set([...counts.keys(), ...ownerOf.keys()])].sort();
  const bySource = names.map((source): SourceView => {
    const owner = ownerOf.get(source);
    return {
      source,
      host: owner?.hostName ?? null,
      homeHost: owner && owner.homeHost !== owner.hostName ? owner.homeHost : null,
      asStandby: owner?.asStandby ?? false,
      live: owner !== undefined && owner.leaseUntil > now,
      documents: counts.get(source) ?? emptyCounts(),
    };
  });
  const hostViews = hosts.map((h) => ({
    name: h.name,
    id: h.id,
    lastSeenAt: h.lastSeenAt,
    sources: owners.filter((o) => o.hostName === h.name && o.leaseUntil > now).map((o) => o.sourceName),
  }));
  return { bySource, hosts: hostViews };
}

/**
 * Reads the view from the store without listing documents: one count per source (those some host
 * claimed, and `configured`), for the daemon's `/metrics` and `retry`.
 */
export async function readOrganisationView(
  store: Pick<Store, 'countDocumentsByState' | 'listSourceOwners' | 'listHosts'>,
  now: number,
  configured: readonly string[],
): Promise<OrganisationView> {
  const owners = await store.listSourceOwners();
  const view = organisationView([], owners, await store.listHosts(), now);
  const names = [...new Set([...owners.map((o) => o.sourceName), ...configured])].sort();
  const bySource = new Map(view.bySource.map((s) => [s.source, s]));
  const filled: SourceView[] = [];
  for (const source of names) {
    const base = bySource.get(source) ?? { source, host: null, homeHost: null, asStandby: false, live: false, documents: emptyCounts() };
    filled.push({ ...base, documents: await store.countDocumentsByState({ sourceName: source }) });
  }
  return { bySource: filled, hosts: view.hosts };
}
