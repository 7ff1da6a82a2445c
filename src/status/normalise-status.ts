/**
 * Maps what the API says about an entry onto the four states the engine acts on (DESIGN §4).
 * Legacy names (the training API's) are included because old entries still carry them.
 */
export type NormalisedState = 'processing' | 'ready' | 'errored' | 'failed';

export interface EntryError {
  readonly message?: string;
  readonly fingerprint?: string;
}

export interface EntryStatusInput {
  readonly status: string;
  readonly error?: EntryError | null;
}

export interface NormalisedStatus {
  readonly state: NormalisedState;
  /** The API's value, as received. */
  readonly status: string;
  /** True for a value not in the table: treated as processing; the caller warns once per value. */
  readonly unknown: boolean;
  /** The entry's error object, when it has one. */
  readonly error: EntryError | null;
}

const PROCESSING = new Set([
  'NEW',
  'FILE_UPLOADED',
  'RAW_TEXT',
  'PROCESSED_TEXT',
  // Already usable by the replica, but a replaced predecessor is deleted only at READY.
  'VECTOR_CREATED',
  'AWAITING_UPLOAD',
  'SUPABASE_ONLY',
  'PROCESSING',
  'BLANK',
]);
const LEGACY_ERRORS = new Set(['SYNC_ERROR', 'ERR_FILE_PROCESSING', 'ERR_TEXT_PROCESSING', 'ERR_TEXT_TO_VECTOR']);
const UNPROCESSABLE = 'UNPROCESSABLE';
const READY = 'READY';

/** Every status value the table knows; the poller's list filter is built from the non-terminal ones. */
export const KNOWN_STATUSES: readonly string[] = Object.freeze([...PROCESSING, READY, UNPROCESSABLE, ...LEGACY_ERRORS]);

export function normaliseStatus(entry: EntryStatusInput): NormalisedStatus {
  const error = entry.error !== null && typeof entry.error === 'object' ? entry.error : null;
  // Servers differ in case and stray whitespace; the table is keyed by the canonical form.
  const status = entry.status.trim().toUpperCase();
  const result = (state: NormalisedState, unknown = false): NormalisedStatus => ({
    state,
    status: entry.status,
    unknown,
    error,
  });
  // UNPROCESSABLE carries an error too, but it is final: recreating would fail the same way.
  if (status === UNPROCESSABLE) return result('failed');
  // Sensay's own tooling finds retrainable entries by `hasError=true`, whatever their status.
  if (error !== null || LEGACY_ERRORS.has(status)) return result('errored');
  if (status === READY) return result('ready');
  if (PROCESSING.has(status)) return result('processing');
  return result('processing', true);
}

/**
 * An entry we track, looked up singly after it dropped out of the filtered list: either it
 * was found (and is normalised as usual) or the API answered 404.
 */
export type EntryLookup = { readonly found: true; readonly entry: EntryStatusInput } | { readonly found: false };

export type LookupOutcome = NormalisedStatus | { readonly state: 'gone' };

export function normaliseLookup(lookup: EntryLookup): LookupOutcome {
  return lookup.found ? normaliseStatus(lookup.entry) : { state: 'gone' };
}
