/**
 * Upkeep of the state store that no document transition does: pruning old history and checking
 * the file's integrity. Neither runs on open, so opening costs the same at any size.
 */

export interface PruneHistoryInput {
  /** Events and finished jobs strictly older than this (epoch ms) are deleted. */
  before: number;
}

export interface PruneHistoryResult {
  events: number;
  jobs: number;
}

/** `quick` reads every page but skips index/table cross-checks; `full` does them too (slower). */
export type IntegrityCheckMode = 'quick' | 'full';

export interface IntegrityReport {
  ok: boolean;
  mode: IntegrityCheckMode;
  /** What the check found, at most a few dozen lines; empty when ok. */
  problems: string[];
}

export const DAY_MS = 24 * 60 * 60 * 1000;
