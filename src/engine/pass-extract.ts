import PQueue from 'p-queue';
import type { Extracted, Extraction, Extractor, Rejected } from '../extractors/extraction.js';
import type { ReadDepth, Validation } from '../extractors/validation.js';
import type { FileVersion } from '../store/store.js';
import type { FoundFile } from '../watchers/index.js';
import type { FileExtraction, ScannedFile } from './plan-types.js';

/**
 * What a pass keeps of an extraction: hashes and metadata, never the text (a first pass over
 * thousands of documents must not hold them all). Text mode hands the text to a `TextSink`.
 */
export type PassExtraction = Omit<Extracted, 'text'> | Rejected;

/** Takes the text of a file just extracted (text mode: into the text cache) before the pass drops it. */
export type TextSink = (found: FoundFile, text: string, textHash: string) => Promise<void>;

export interface ExtractHooks {
  /** Takes text-mode texts before the pass drops them. */
  readonly sink?: TextSink | undefined;
  /** Called as each file has been read (the pass's progress). */
  readonly examined?: () => void;
}

/** One file of this pass: what the scanner found and, when it was read, what the extractor said. */
export interface ExaminedFile {
  readonly found: FoundFile;
  /**
   * null: not read this pass (stat unchanged since the recorded decision). A Validation for a
   * file-mode source: checked with early exit, identified by its bytes, no text.
   */
  readonly extraction: PassExtraction | Validation | null;
  /** First discovery of the path (the store's row), or the pass's start for a dry run's new file. */
  readonly discoveredAt: number;
}

/**
 * Reads the files that need it, at most `concurrency` at a time (the pool's size: more would
 * only queue inside the pool while holding memory here). Order of the result follows `files`.
 * `depthOf` says per file whether its text is needed (text mode) or a validation will do (file
 * mode, DESIGN §11).
 */
export async function extractAll(
  extractor: Extractor,
  files: readonly { found: FoundFile; discoveredAt: number; read: boolean }[],
  concurrency: number,
  depthOf: (found: FoundFile) => ReadDepth,
  hooks: ExtractHooks = {},
): Promise<ExaminedFile[]> {
  const { sink, examined } = hooks;
  const queue = new PQueue({ concurrency: Math.max(1, concurrency) });
  const examine = (found: FoundFile): Promise<Extraction | Validation> => {
    const options = { expected: { dev: found.dev, ino: found.ino, size: found.size } };
    return depthOf(found) === 'validate' ? extractor.validate(found.absPath, options) : extractor.extract(found.absPath, options);
  };
  return Promise.all(
    files.map(async ({ found, discoveredAt, read }) => {
      if (!read) return { found, extraction: null, discoveredAt };
      const extraction = await queue.add(async (): Promise<PassExtraction | Validation> => {
        const checked = checkStable(found, await examine(found));
        if (!checked.ok || !('text' in checked)) return checked;
        // Inside the queue slot: at most `concurrency` texts are held at once.
        if (sink) await sink(found, checked.text, checked.textHash);
        return withoutText(checked);
      });
      examined?.();
      return { found, extraction, discoveredAt };
    }),
  );
}

function withoutText(extracted: Extracted): PassExtraction {
  const { text: _text, ...kept } = extracted;
  return kept;
}

/** A file whose size moved between the scan and the read is being written: look again later. */
function checkStable<T extends Extraction | Validation>(found: FoundFile, extraction: T): T | Extraction {
  if (extraction.ok && extraction.bytes !== found.size) {
    return {
      ok: false,
      reason: 'UNSTABLE',
      detail: `${found.relPath} changed size while it was read (${found.size} → ${extraction.bytes} bytes); it will be examined again`,
    };
  }
  return extraction;
}

export function toPlannerFile(file: ExaminedFile): ScannedFile {
  const { found, extraction } = file;
  return {
    source: found.source,
    relPath: found.relPath,
    size: found.size,
    mtimeMs: found.mtimeMs,
    sha256: extraction === null ? null : (extraction.sha256 ?? null),
    textHash: extraction?.ok ? extraction.textHash : null,
    extraction: toFileExtraction(extraction),
    discoveredAt: file.discoveredAt,
  };
}

function toFileExtraction(extraction: PassExtraction | Validation | null): FileExtraction | null {
  if (extraction === null) return null;
  if (extraction.ok) return { ok: true };
  return { ok: false, reason: extraction.reason, detail: extraction.detail };
}

/** The version the store records with the decision taken about it. */
export function versionOf(file: ExaminedFile): FileVersion {
  const { found, extraction } = file;
  return {
    size: found.size,
    mtimeMs: found.mtimeMs,
    kind: extraction?.kind ?? null,
    sha256: extraction?.sha256 ?? null,
    textHash: extraction?.ok ? extraction.textHash : null,
    warnings: extraction ? [...(extraction.warnings ?? [])] : [],
    dev: found.dev,
    ino: found.ino,
  };
}
