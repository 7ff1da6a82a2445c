import type { Store } from '../store/store.js';

/**
 * Whether a replica accepts `PATCH { rawText }`. An API that refused one (e.g. a version without
 * `rawText` on PATCH) is remembered in the store's meta, so later changes go straight to replace
 * and every process sharing the state knows it.
 */
export interface InPlaceRefusal {
  readonly at: number;
  readonly status: number | null;
  readonly code: string;
  readonly message: string;
}

const PREFIX = 'inPlaceUnsupported:';

export function inPlaceMetaKey(replicaUUID: string): string {
  return `${PREFIX}${replicaUUID}`;
}

export async function inPlaceRefusal(store: Pick<Store, 'getMeta'>, replicaUUID: string): Promise<InPlaceRefusal | null> {
  const raw = await store.getMeta(inPlaceMetaKey(replicaUUID));
  if (raw === null) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<InPlaceRefusal>;
    return {
      at: Number(parsed.at ?? 0),
      status: typeof parsed.status === 'number' ? parsed.status : null,
      code: String(parsed.code ?? 'UNKNOWN'),
      message: String(parsed.message ?? ''),
    };
  } catch {
    return { at: 0, status: null, code: 'UNKNOWN', message: raw };
  }
}

/** Records the refusal; true when this is the first one (the caller logs it once). */
export async function rememberInPlaceRefusal(store: Pick<Store, 'getMeta' | 'setMeta'>, replicaUUID: string, refusal: InPlaceRefusal): Promise<boolean> {
  if ((await store.getMeta(inPlaceMetaKey(replicaUUID))) !== null) return false;
  await store.setMeta(inPlaceMetaKey(replicaUUID), JSON.stringify(refusal));
  return true;
}

/** The replicas (of those given) that refused an in-place update. */
export async function replicasWithoutInPlace(
  store: Pick<Store, 'getMeta'>,
  replicaUUIDs: Iterable<string>,
): Promise<Map<string, InPlaceRefusal>> {
  const refused = new Map<string, InPlaceRefusal>();
  for (const uuid of new Set(replicaUUIDs)) {
    const refusal = await inPlaceRefusal(store, uuid);
    if (refusal) refused.set(uuid, refusal);
  }
  return refused;
}
