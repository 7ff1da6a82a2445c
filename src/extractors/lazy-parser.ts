/**
 * Parser libraries a worker loads on first use, not at start: most files need only PDFium or the
 * text decoder (a validation never needs cheerio for a titled page, mammoth for a DOCX with text,
 * or pdf.js unless PDFium fails), and pdf.js, cheerio and mammoth cost ~0.4 s of a worker's
 * ~0.6 s start. A library that cannot be loaded is this host's fault, not the file's: the file is
 * answered WORKER_UNAVAILABLE (examined again on a later pass, the install is named in the
 * detail), never CORRUPT, as when a worker that preloaded it could not start.
 */
import { reject, type Rejected } from './extraction.js';

export class ParserUnavailableError extends Error {
  readonly code = 'PARSER_UNAVAILABLE';
  constructor(
    readonly library: string,
    cause: unknown,
  ) {
    super(`${library} could not be loaded (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
    this.name = 'ParserUnavailableError';
  }
}

/** Loads once per process; a failed load is tried again on the next call. */
export function lazyLoader<T>(library: string, load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw new ParserUnavailableError(library, error);
    });
    return loading;
  };
}

/** What a worker answers for a task that threw. */
export function failureVerdict(error: unknown): Rejected {
  if (error instanceof ParserUnavailableError) {
    return reject('WORKER_UNAVAILABLE', `${error.message.slice(0, 200)}; check the installation (npm ci); the file is examined again on a later pass`);
  }
  // A parser bug must cost this file, not the worker.
  const message = error instanceof Error ? error.message : String(error);
  return reject('CORRUPT', `the extractor failed on this file (${message.slice(0, 160)}); report it if the file is valid`);
}
