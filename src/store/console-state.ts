import type { DocumentRecord, DocumentState } from './documents.js';

/**
 * What the operator console (issue 11) keeps in the store: sources paused by hand, actions
 * waiting for the next run, and the documents query behind its table.
 */

/** A source paused by hand (`pause SOURCE`): scanned as usual, but none of its jobs is started. */
export interface SourcePause {
  sourceName: string;
  pausedAt: number;
}

export const PENDING_ACTION_KINDS = ['sync-now'] as const;
export type PendingActionKind = (typeof PENDING_ACTION_KINDS)[number];

/**
 * An action asked for where nothing could carry it out at once (the `console` of a cron host):
 * the next run or a running daemon takes it. `sourceName` null: every source.
 */
export interface PendingAction {
  id: number;
  kind: PendingActionKind;
  sourceName: string | null;
  requestedAt: number;
}

export interface PendingActionInput {
  kind: PendingActionKind;
  sourceName?: string | null;
  now: number;
}

export const DOCUMENT_SORT_KEYS = ['path', 'source', 'state', 'attempts', 'size', 'kind', 'updated', 'id'] as const;
export type DocumentSortKey = (typeof DOCUMENT_SORT_KEYS)[number];

/** One page of documents, filtered, sorted and paged by the store (fast at tens of thousands). */
export interface DocumentQuery {
  states?: readonly DocumentState[];
  sourceName?: string;
  /** Case-insensitive substring of the path (or the entry id, written in full). */
  search?: string;
  /** Default `path`; ties are broken by id. */
  sort?: DocumentSortKey;
  descending?: boolean;
  offset?: number;
  /** Default 50, at most 500. */
  limit?: number;
}

export interface DocumentPage {
  /** How many documents match, across every page. */
  total: number;
  documents: DocumentRecord[];
}
