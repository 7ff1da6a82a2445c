import type { JsonObject } from './json-value.js';

/**
 * The append-only history: what happened to which document and when. Document transitions
 * append their own events; callers append the rest (budget blocks, pauses, reconciliations).
 * `sourceName` and `relPath` are copied at append time, so history survives renames.
 */
export interface EventRecord {
  id: number;
  at: number;
  documentId: number | null;
  sourceName: string | null;
  relPath: string | null;
  type: string;
  detail: JsonObject | null;
}

export interface AppendEventInput {
  at: number;
  type: string;
  /** When given, the event's source and path are taken from the document. */
  documentId?: number;
  detail?: JsonObject;
}

export interface EventFilter {
  documentId?: number;
  /** Events with an id above this one (tailing). */
  afterId?: number;
  /** Events at or after this time. */
  since?: number;
  types?: readonly string[];
  /** Newest first when true; default oldest first. */
  newestFirst?: boolean;
  limit?: number;
}
