import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceConfig } from '../config/types.js';
import type { DocumentRecord } from '../store/store.js';

/**
 * `fileExists` for the poller: the document's file under its source's folder. A document of a
 * source no longer configured counts as gone (nothing would upload it again anyway).
 */
export function sourceFileExists(sources: readonly SourceConfig[]): (doc: DocumentRecord) => Promise<boolean> {
  const roots = new Map(sources.map((s) => [s.name, s.path]));
  return async (doc) => {
    const root = roots.get(doc.sourceName);
    if (root === undefined) return false;
    try {
      return (await stat(join(root, ...doc.relPath.split('/')))).isFile();
    } catch {
      return false;
    }
  };
}
