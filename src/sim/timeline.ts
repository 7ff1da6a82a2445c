import type { EntryStatus, EntryType, ProcessingStatus } from './api-types.js';
import type { FailurePlan } from './failures.js';

/** The facts the timeline needs about one entry. */
export interface TimelineFacts {
  readonly type: EntryType;
  readonly createdAt: number;
  /** When the file's bytes arrived; null while a file entry waits for its PUT. */
  readonly uploadedAt: number | null;
  readonly failure: FailurePlan | null;
}

export interface Progress {
  readonly status: EntryStatus;
  /** Set when the failure plan turned into an error (also for UNPROCESSABLE). */
  readonly failed: boolean;
  /** When the entry reached its current state. */
  readonly since: number;
}

const FILE_PATH: readonly ProcessingStatus[] = ['FILE_UPLOADED', 'RAW_TEXT', 'PROCESSED_TEXT', 'VECTOR_CREATED'];
const OTHER_PATH: readonly ProcessingStatus[] = ['NEW', 'RAW_TEXT', 'PROCESSED_TEXT', 'VECTOR_CREATED'];

/**
 * Where an entry stands at `now`. Pure: status is derived from timestamps each time it is read,
 * so nothing runs in the background and a fake clock moves entries forward.
 * Invariant: the result never moves backwards as `now` grows.
 */
export function progressAt(
  facts: TimelineFacts,
  durations: Readonly<Record<ProcessingStatus, number>>,
  now: number,
): Progress {
  let enteredAt: number;
  let path: readonly ProcessingStatus[];
  if (facts.type === 'file') {
    if (facts.uploadedAt === null) return { status: 'NEW', failed: false, since: facts.createdAt };
    enteredAt = facts.uploadedAt;
    path = FILE_PATH;
  } else {
    enteredAt = facts.createdAt;
    path = OTHER_PATH;
  }
  for (const status of path) {
    const leavesAt = enteredAt + durations[status];
    if (facts.failure?.at === status) return failureProgress(facts.failure, status, enteredAt, leavesAt, now);
    if (now < leavesAt) return { status, failed: false, since: enteredAt };
    enteredAt = leavesAt;
  }
  return { status: 'READY', failed: false, since: enteredAt };
}

function failureProgress(
  failure: FailurePlan,
  status: ProcessingStatus,
  enteredAt: number,
  leavesAt: number,
  now: number,
): Progress {
  if (failure.kind === 'stuck' || now < leavesAt) return { status, failed: false, since: enteredAt };
  if (failure.kind === 'unprocessable') return { status: 'UNPROCESSABLE', failed: true, since: leavesAt };
  return { status, failed: true, since: leavesAt };
}
