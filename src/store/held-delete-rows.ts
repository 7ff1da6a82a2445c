import { invalidArgument } from './errors.js';
import type { HeldDeleteRecord } from './held-deletes.js';

/** The `held_deletes` row of either adapter (`approvable` is 0/1 in SQLite, a boolean in PostgreSQL). */
export interface HeldRow {
  source_name: string;
  reason: string;
  detail: string;
  document_ids: string;
  approvable: number | boolean;
  root_device: string | null;
  held_at: number;
}

export function toHeld(row: HeldRow): HeldDeleteRecord {
  return {
    sourceName: row.source_name,
    reason: row.reason,
    detail: row.detail,
    documentIds: parseIds(row.document_ids),
    approvable: row.approvable === 1 || row.approvable === true,
    rootDevice: row.root_device,
    heldAt: row.held_at,
  };
}

/** Ascending, no repeats: how held and approved ids are stored and compared. */
export function normaliseIds(ids: readonly number[]): number[] {
  for (const id of ids) if (!Number.isInteger(id)) throw invalidArgument(`Expected document ids to be integers, got \`${String(id)}\``);
  return [...new Set(ids)].sort((a, b) => a - b);
}

export function parseIds(text: string): number[] {
  return (JSON.parse(text) as number[]).map(Number);
}
