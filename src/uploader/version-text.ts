/**
 * The text of a document's recorded version, for a text-mode create or an in-place update: from the
 * text cache the pass filled, or, on a miss (cache lost, an older release's queue), extracted again
 * from the very file the scan saw and cached for a recreate. null: the file no longer gives the
 * recorded text (the next scan re-plans).
 */
import type { DocumentRecord } from '../store/store.js';
import type { UploaderDeps } from './deps.js';
import { scannedIdentity } from './verified-file.js';

export async function versionText(deps: Pick<UploaderDeps, 'texts' | 'extractor'>, document: DocumentRecord, path: string): Promise<string | null> {
  if (document.textHash === null) return null;
  const cached = await deps.texts?.get(document.textHash);
  if (cached) return cached;
  const extracted = await deps.extractor.extract(path, { expected: scannedIdentity(document) });
  if (!extracted.ok || extracted.textHash !== document.textHash) return null;
  await deps.texts?.put(extracted.textHash, extracted.text);
  return extracted.text;
}
