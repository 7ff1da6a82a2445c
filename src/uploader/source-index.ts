import { isAbsolute, join, sep } from 'node:path';
import type { SourceConfig } from '../config/types.js';
import type { DocumentRecord } from '../store/store.js';
import { entryFilename, entryTitle, sharedReplicas } from './entry-title.js';

/** What the uploader needs to know about a document's source, looked up by name. */
export interface SourceIndex {
  source(name: string): SourceConfig | undefined;
  titleOf(document: Pick<DocumentRecord, 'sourceName' | 'relPath' | 'replicaUUID'>): string;
  filenameOf(document: Pick<DocumentRecord, 'relPath'>): string;
  absolutePath(document: Pick<DocumentRecord, 'sourceName' | 'relPath'>): string | null;
  /** Names of the sources feeding a replica. */
  sourcesOf(replicaUUID: string): ReadonlySet<string>;
}

export function indexSources(sources: readonly SourceConfig[]): SourceIndex {
  const byName = new Map(sources.map((s) => [s.name, s]));
  const shared = sharedReplicas(sources);
  return {
    source: (name) => byName.get(name),
    titleOf: (doc) => entryTitle({ sourceName: doc.sourceName, relPath: doc.relPath, sharedReplica: shared.has(doc.replicaUUID) }),
    filenameOf: (doc) => entryFilename(doc.relPath),
    absolutePath(doc) {
      const source = byName.get(doc.sourceName);
      if (!source || isAbsolute(doc.relPath)) return null;
      // relPath is '/'-separated whatever the platform.
      return join(source.path, doc.relPath.split('/').join(sep));
    },
    sourcesOf: (replicaUUID) => new Set(sources.filter((s) => s.replicaUUID === replicaUUID).map((s) => s.name)),
  };
}
