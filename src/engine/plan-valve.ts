import type { HeldDeletes, KnownDocument, PlanApproval, PlanSource, RootCheck } from './plan-types.js';

/**
 * The delete valve (DESIGN §3; DECISIONS "The valve and drop folders"). An unmounted share looks
 * exactly like a folder whose files were all deleted, so:
 * - a root on another device than at its first scan holds every delete, whatever the settings;
 * - emptying a source is held unless `allowEmpty` (a drop folder that drains);
 * - a pass deleting more than `maxDeletePercent` of a source's documents deletes nothing. Exactly
 *   the limit is allowed; one deleted file is never a mass delete (in a folder of three, removing
 *   one is 33 %) unless maxDeletePercent is 0 (no deletes at all).
 * An approval (`approve-deletes`) releases exactly the documents held when it was given; any other
 * disappearance is judged afresh. A root that changed device is released only by an approval of
 * that very set, given while the root was on the device it is on now.
 */
export interface ValveInput {
  readonly source: PlanSource;
  /** Documents whose file is gone (tombstones excluded). */
  readonly gone: readonly KnownDocument[];
  /** The source's known documents (tombstones excluded). */
  readonly known: number;
  readonly root: RootCheck;
  readonly approval: PlanApproval | undefined;
}

export interface ValveDecision {
  /** Documents whose delete may go ahead. */
  readonly release: readonly KnownDocument[];
  readonly held: HeldDeletes | null;
}

export function judgeDeletes(input: ValveInput): ValveDecision {
  const { source, gone, approval, root } = input;
  if (gone.length === 0) return { release: [], held: null };
  if (root.status === 'changed') {
    const accepted = approval !== undefined && approval.rootDevice === root.current && sameSet(approval.documentIds, gone);
    if (accepted) return { release: gone, held: null };
    return { release: [], held: held(source, 'ROOT_CHANGED', gone, input.known, rootChangedDetail(source, gone.length, root.recorded, root.current)) };
  }
  const approvedIds = new Set(approval?.documentIds ?? []);
  const approved = gone.filter((doc) => approvedIds.has(doc.id));
  const rest = gone.filter((doc) => !approvedIds.has(doc.id));
  const remaining = input.known - approved.length;
  const verdict = checkDeleteValve(source, rest, remaining);
  return verdict === null ? { release: gone, held: null } : { release: approved, held: verdict };
}

/** The valve for disappearances no approval covers; null when their deletes may go ahead. */
export function checkDeleteValve(source: PlanSource, gone: readonly KnownDocument[], known: number): HeldDeletes | null {
  const wouldDelete = gone.length;
  if (wouldDelete === 0) return null;
  if (wouldDelete >= known) {
    if (source.allowEmpty === true) return null;
    return held(source, 'SOURCE_EMPTIED', gone, known, emptiedDetail(source, wouldDelete));
  }
  if (wouldDelete === 1 && source.maxDeletePercent > 0) return null;
  // Integer-side comparison: 1 of 5 at 20 % is exactly the limit, not a rounding accident.
  if (wouldDelete * 100 <= source.maxDeletePercent * known) return null;
  const percent = roundPercent(wouldDelete, known);
  const detail =
    `source "${source.name}": this pass would delete ${wouldDelete} of ${known} documents (${percent}%), ` +
    `above maxDeletePercent ${source.maxDeletePercent}; nothing was deleted. Check that the folder is ` +
    `mounted and complete; if the deletions are intended, run \`sensay-ingest approve-deletes ${source.name}\`.`;
  return held(source, 'MASS_DELETE', gone, known, detail);
}

/** A failed scan (e.g. unmounted, unreadable) cannot tell a deleted file from an unreadable one. */
export function heldForIncompleteScan(source: PlanSource, gone: readonly KnownDocument[], known: number): HeldDeletes {
  const detail =
    `source "${source.name}": the scan did not complete, so ${gone.length} of ${known} documents not seen ` +
    `this pass were left alone; nothing is deleted until a scan completes (an approval cannot release this).`;
  return { ...held(source, 'SCAN_INCOMPLETE', gone, known, detail), approvable: false };
}

function emptiedDetail(source: PlanSource, wouldDelete: number): string {
  return (
    `source "${source.name}": every one of its ${wouldDelete} document${wouldDelete === 1 ? '' : 's'} is gone, which is ` +
    `what an unmounted share looks like; nothing was deleted. If the folder was emptied on purpose, run ` +
    `\`sensay-ingest approve-deletes ${source.name}\`; for a drop folder that drains, set sources[].allowEmpty: true.`
  );
}

function rootChangedDetail(source: PlanSource, wouldDelete: number, recorded: string, current: string): string {
  return (
    `source "${source.name}": the folder is on another device than at its first scan (device ${recorded}, now ` +
    `${current}): is another share, or none, mounted there? ${wouldDelete} delete${wouldDelete === 1 ? '' : 's'} held ` +
    `whatever the settings. If this is the right folder now, run \`sensay-ingest approve-deletes ${source.name}\`.`
  );
}

function held(source: PlanSource, reason: HeldDeletes['reason'], gone: readonly KnownDocument[], known: number, detail: string): HeldDeletes {
  const sorted = [...gone].sort((a, b) => a.id - b.id);
  return {
    source: source.name,
    reason,
    wouldDelete: gone.length,
    known,
    percent: roundPercent(gone.length, known),
    maxDeletePercent: source.maxDeletePercent,
    detail,
    approvable: true,
    documentIds: sorted.map((doc) => doc.id),
    paths: sorted.map((doc) => doc.relPath),
  };
}

function sameSet(ids: readonly number[], docs: readonly KnownDocument[]): boolean {
  if (ids.length !== docs.length) return false;
  const wanted = new Set(ids);
  return docs.every((doc) => wanted.has(doc.id));
}

function roundPercent(part: number, whole: number): number {
  if (whole === 0) return 0;
  return Math.round((part / whole) * 1000) / 10;
}
