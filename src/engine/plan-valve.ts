import type { HeldDeletes, PlanSource } from './plan-types.js';

/**
 * The mass-delete valve (DESIGN §3): an unmounted share looks exactly like a folder whose
 * files were all deleted, so a pass that would delete more than `maxDeletePercent` of a
 * source's documents deletes nothing and says why. Exactly the limit is allowed. One deleted
 * file is never a mass delete (in a folder of three, removing one is 33 %), unless it would
 * empty the source — that is what an unmounted share holding one document looks like — or
 * maxDeletePercent is 0 (no deletes at all).
 * Returns null when the deletes may go ahead.
 */
export function checkDeleteValve(source: PlanSource, wouldDelete: number, known: number): HeldDeletes | null {
  if (wouldDelete === 0) return null;
  if (wouldDelete === 1 && known > 1 && source.maxDeletePercent > 0) return null;
  // Integer-side comparison: 1 of 5 at 20 % is exactly the limit, not a rounding accident.
  if (wouldDelete * 100 <= source.maxDeletePercent * known) return null;
  const percent = roundPercent(wouldDelete, known);
  return {
    source: source.name,
    reason: 'MASS_DELETE',
    wouldDelete,
    known,
    percent,
    maxDeletePercent: source.maxDeletePercent,
    detail:
      `source "${source.name}": this pass would delete ${wouldDelete} of ${known} documents (${percent}%), ` +
      `above maxDeletePercent ${source.maxDeletePercent}; nothing was deleted. Check that the folder is ` +
      `mounted and complete; if the deletions are intended, raise sources[].maxDeletePercent for one run.`,
  };
}

/** A failed scan (e.g. unmounted) cannot tell a deleted file from an unreadable one. */
export function heldForIncompleteScan(source: PlanSource, missing: number, known: number): HeldDeletes {
  const percent = roundPercent(missing, known);
  return {
    source: source.name,
    reason: 'SCAN_INCOMPLETE',
    wouldDelete: missing,
    known,
    percent,
    maxDeletePercent: source.maxDeletePercent,
    detail:
      `source "${source.name}": the scan did not complete, so ${missing} of ${known} documents not seen ` +
      `this pass were left alone; nothing is deleted until a scan completes.`,
  };
}

function roundPercent(part: number, whole: number): number {
  if (whole === 0) return 0;
  return Math.round((part / whole) * 1000) / 10;
}
