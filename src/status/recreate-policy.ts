import { attemptBackoffMs } from '../uploader/attempt-policy.js';
import type { EntryError } from './normalise-status.js';

/**
 * What to do with a document whose entry errored (or got stuck): delete it and create it
 * again after an exponential backoff, until `maxAttempts` creates have been spent in total.
 * Every create costs one of the hour's few upload slots, so the limit is on creates.
 */
export interface AfterErrorInput {
  /** Creates spent on this document so far, the one that just errored included (≥ 1). */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly recreateBackoffSeconds: number;
  readonly now: number;
  readonly lastError: EntryError | null;
  /** The API said UNPROCESSABLE: the content itself is refused, so recreating cannot help. */
  readonly permanent?: boolean;
  /** Jitter of the backoff (up to 20 % added, as for every failed attempt). Default: none. */
  readonly random?: () => number;
}

export type AfterErrorDecision =
  | { readonly action: 'recreate'; readonly notBefore: number; readonly attempt: number }
  | {
      readonly action: 'fail';
      readonly reason: 'ATTEMPTS_EXHAUSTED' | 'UNPROCESSABLE';
      readonly error: EntryError | null;
      readonly attempts: number;
    };

export function decideAfterError(input: AfterErrorInput): AfterErrorDecision {
  const { attempts, maxAttempts, recreateBackoffSeconds, now, lastError } = input;
  expect('maxAttempts', maxAttempts, Number.isInteger(maxAttempts) && maxAttempts >= 1, 'an integer >= 1');
  expect('attempts', attempts, Number.isInteger(attempts) && attempts >= 0, 'an integer >= 0');
  expect(
    'recreateBackoffSeconds',
    recreateBackoffSeconds,
    Number.isFinite(recreateBackoffSeconds) && recreateBackoffSeconds >= 0,
    'a finite number >= 0',
  );
  if (input.permanent === true) return { action: 'fail', reason: 'UNPROCESSABLE', error: lastError, attempts };
  if (attempts >= maxAttempts) return { action: 'fail', reason: 'ATTEMPTS_EXHAUSTED', error: lastError, attempts };
  const delay = attemptBackoffMs(attempts, recreateBackoffSeconds, input.random ?? noJitter);
  return { action: 'recreate', notBefore: now + delay, attempt: attempts + 1 };
}

/** backoff × 2^(attempts−1): 60 s, 120 s, 240 s … for a 60 s base (the uploader's rule, without jitter). */
export function backoffMs(attempts: number, recreateBackoffSeconds: number): number {
  return attemptBackoffMs(attempts, recreateBackoffSeconds, noJitter);
}

const noJitter = (): number => 0;

/**
 * A tracked entry the API no longer has (missing from the list, 404 on GET): someone deleted
 * it. Put the document back if its file is still there; otherwise there is nothing to keep.
 */
export type GoneDecision =
  | { readonly action: 'reupload'; readonly reason: 'ENTRY_GONE' }
  | { readonly action: 'forget'; readonly reason: 'ENTRY_AND_FILE_GONE' };

export function decideWhenGone(input: { readonly fileExists: boolean }): GoneDecision {
  return input.fileExists
    ? { action: 'reupload', reason: 'ENTRY_GONE' }
    : { action: 'forget', reason: 'ENTRY_AND_FILE_GONE' };
}

function expect(name: string, value: number, ok: boolean, what: string): void {
  if (!ok) throw new RangeError(`Expected \`${name}\` to be ${what}, got \`${value}\``);
}
