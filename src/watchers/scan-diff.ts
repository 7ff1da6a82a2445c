/**
 * A scan expressed as the watcher's change events, so that a catch-up scan and a live watcher
 * feed the engine the same way: an upsert for every new or changed file and, only when the scan
 * was complete, a remove for every known path that is gone.
 */
import type { ChangeEvent } from './change-event.js';
import type { ScanResult } from './scan-source.js';

/** `knownPaths`: the relPaths the store holds for the scanned source. */
export function scanToChanges(
  result: ScanResult,
  knownPaths: Iterable<string>,
  absPathOf: (relPath: string) => string,
): ChangeEvent[] {
  const events: ChangeEvent[] = [];
  const present = new Set<string>();
  for (const file of result.files) {
    present.add(file.relPath);
    if (file.changed) events.push({ type: 'upsert', source: file.source, relPath: file.relPath, absPath: file.absPath });
  }
  if (!result.complete) return events;
  for (const relPath of knownPaths) {
    if (!present.has(relPath)) events.push({ type: 'remove', source: result.source, relPath, absPath: absPathOf(relPath) });
  }
  return events;
}
