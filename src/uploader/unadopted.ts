import type { Store } from '../store/store.js';
import type { UnadoptedReason } from './content-proof.js';

/**
 * Entries of a replica that no document owns and that were left alone (DECISIONS "Adoption"):
 * kept in the store's meta per replica, so the no-op count can expect them, a later pass can still
 * adopt them, and `status` can list them without asking the API.
 */
export interface UnadoptedEntry {
  readonly replicaUUID: string;
  readonly id: number;
  readonly title: string | null;
  readonly why: UnadoptedReason;
}

/** Reasons that leave an entry open to adoption by a document that needs its first upload. */
export const ADOPTABLE_REASONS: ReadonlySet<UnadoptedReason> = new Set(['no-document']);

const key = (replicaUUID: string) => `unadopted:${replicaUUID}`;

export async function readUnadopted(store: Store, replicaUUID: string): Promise<UnadoptedEntry[]> {
  const raw = await store.getMeta(key(replicaUUID));
  if (raw === null) return [];
  try {
    const parsed = JSON.parse(raw) as { entries?: { id: number; title: string | null; why: UnadoptedReason }[] };
    return (parsed.entries ?? []).map((e) => ({ replicaUUID, id: e.id, title: e.title, why: e.why }));
  } catch {
    // A damaged value only costs a listing: the next drift check rebuilds it.
    return [];
  }
}

export async function writeUnadopted(store: Store, replicaUUID: string, entries: readonly UnadoptedEntry[]): Promise<void> {
  const current = await store.getMeta(key(replicaUUID));
  if (current === null && entries.length === 0) return;
  const value = JSON.stringify({ entries: entries.map((e) => ({ id: e.id, title: e.title, why: e.why })) });
  if (value !== current) await store.setMeta(key(replicaUUID), value);
}

export async function listUnadopted(store: Store, replicaUUIDs: Iterable<string>): Promise<UnadoptedEntry[]> {
  const all: UnadoptedEntry[] = [];
  for (const uuid of new Set(replicaUUIDs)) all.push(...(await readUnadopted(store, uuid)));
  return all;
}
