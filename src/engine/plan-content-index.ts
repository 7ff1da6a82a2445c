/**
 * Which content is already carried (or about to be) by an entry in each replica. Text hashes
 * dedupe different files with the same text; byte hashes cover documents without text.
 */
export interface ContentIdentity {
  readonly replicaUUID: string;
  readonly sha256: string | null;
  readonly textHash: string | null;
}

export interface ContentRef {
  readonly source: string;
  readonly relPath: string;
  /** Absent for a document this plan creates. */
  readonly documentId?: number;
}

export function sameContent(a: ContentIdentity, b: ContentIdentity): boolean {
  if (a.replicaUUID !== b.replicaUUID) return false;
  if (a.textHash !== null && a.textHash === b.textHash) return true;
  return a.sha256 !== null && a.sha256 === b.sha256;
}

export class ContentIndex {
  readonly #byText = new Map<string, ContentRef>();
  readonly #bySha = new Map<string, ContentRef>();

  /** The first registration of a content wins: it is the original the others point at. */
  register(identity: ContentIdentity, ref: ContentRef): void {
    if (identity.textHash !== null) {
      const key = keyOf(identity.replicaUUID, identity.textHash);
      if (!this.#byText.has(key)) this.#byText.set(key, ref);
    }
    if (identity.sha256 !== null) {
      const key = keyOf(identity.replicaUUID, identity.sha256);
      if (!this.#bySha.has(key)) this.#bySha.set(key, ref);
    }
  }

  find(identity: ContentIdentity): ContentRef | undefined {
    if (identity.textHash !== null) {
      const hit = this.#byText.get(keyOf(identity.replicaUUID, identity.textHash));
      if (hit) return hit;
    }
    if (identity.sha256 === null) return undefined;
    return this.#bySha.get(keyOf(identity.replicaUUID, identity.sha256));
  }
}

function keyOf(replicaUUID: string, hash: string): string {
  return `${replicaUUID}\u0000${hash}`;
}
