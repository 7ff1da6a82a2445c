/**
 * Deletes the valve held back, the approvals that release them (`approve-deletes`), and each
 * source root's device as first scanned (DECISIONS "The valve and drop folders").
 */

/** What the last pass held back for one source. */
export interface HeldDeleteRecord {
  readonly sourceName: string;
  /** `MASS_DELETE`, `SOURCE_EMPTIED`, `ROOT_CHANGED` or `SCAN_INCOMPLETE`. */
  readonly reason: string;
  readonly detail: string;
  /** Ascending, no repeats. */
  readonly documentIds: readonly number[];
  /** False when no approval can release them (the scan was incomplete). */
  readonly approvable: boolean;
  /** The root's device when the pass held them (null: unknown). */
  readonly rootDevice: string | null;
  readonly heldAt: number;
}

/** Releases exactly `documentIds` of `sourceName`; any other disappearance is judged again. */
export interface DeleteApproval {
  readonly id: number;
  readonly sourceName: string;
  readonly documentIds: readonly number[];
  readonly rootDevice: string | null;
  readonly approvedAt: number;
}

export type ApproveDeletesResult =
  | { readonly ok: true; readonly approval: DeleteApproval; readonly held: HeldDeleteRecord }
  | { readonly ok: false; readonly reason: 'NOTHING_HELD'; readonly detail: string }
  | { readonly ok: false; readonly reason: 'NOT_APPROVABLE'; readonly detail: string; readonly held: HeldDeleteRecord };

/** The device a source root was on at its first scan. */
export interface SourceRootRecord {
  readonly sourceName: string;
  readonly device: string;
  readonly recordedAt: number;
}
