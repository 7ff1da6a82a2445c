/**
 * The title of a knowledge base entry we create (DESIGN §6): the source-relative path, prefixed
 * with the source's name when the replica is fed by several sources. It is how reconciliation
 * recognises our own entries after a crash, so it must be a pure function of (source, path).
 */
export function entryTitle(input: { sourceName: string; relPath: string; sharedReplica: boolean }): string {
  return input.sharedReplica ? `${input.sourceName}/${input.relPath}` : input.relPath;
}

/** Which replicas are fed by more than one source (their titles carry the source name). */
export function sharedReplicas(sources: readonly { name: string; replicaUUID: string }[]): ReadonlySet<string> {
  const counts = new Map<string, number>();
  for (const source of sources) counts.set(source.replicaUUID, (counts.get(source.replicaUUID) ?? 0) + 1);
  return new Set([...counts].filter(([, n]) => n > 1).map(([uuid]) => uuid));
}

/** The filename sent with a file-mode create: the basename, which Sensay uses to pick a parser. */
export function entryFilename(relPath: string): string {
  const slash = relPath.lastIndexOf('/');
  return slash >= 0 ? relPath.slice(slash + 1) : relPath;
}
