import type { DocumentRecord, DocumentState, TransitionRefusal } from './documents.js';

export interface Refused {
  ok: false;
  reason: TransitionRefusal;
  detail: string;
  document: DocumentRecord | null;
}

export function notFound(documentId: number): Refused {
  return { ok: false, reason: 'NOT_FOUND', detail: `document ${documentId} does not exist`, document: null };
}

export function wrongState(document: DocumentRecord, action: string, allowed: string): Refused {
  return {
    ok: false,
    reason: 'WRONG_STATE',
    detail: `cannot ${action} document ${document.id} (${document.relPath}): it is ${document.state}, expected ${allowed}`,
    document,
  };
}

export function entryMismatch(document: DocumentRecord, entryId: number): Refused {
  return {
    ok: false,
    reason: 'ENTRY_MISMATCH',
    detail: `entry ${entryId} is not the current entry of document ${document.id} (${document.relPath}): ${String(document.entryId)}`,
    document,
  };
}

export function entryRemains(document: DocumentRecord, action: string): Refused {
  const entries = [document.entryId, document.previousEntryId].filter((id) => id !== null).join(', ');
  return {
    ok: false,
    reason: 'ENTRY_REMAINS',
    detail: `cannot ${action} document ${document.id} (${document.relPath}): entries ${entries} must be deleted first`,
    document,
  };
}

export function isOneOf(state: DocumentState, states: readonly DocumentState[]): boolean {
  return states.includes(state);
}

export function leaseLost(document: DocumentRecord | null, jobId: number, owner: string): Refused {
  const which = document ? `document ${document.id} (${document.relPath})` : `job ${jobId}`;
  return {
    ok: false,
    reason: 'LEASE_LOST',
    detail: `${owner} no longer holds job ${jobId} of ${which}: its lease expired and was taken over, or the job ended`,
    document,
  };
}

/** `job` is a running upload job: its create may have reached Sensay with nothing recorded yet. */
export function createUnsettled(document: DocumentRecord, action: string, job: { id: number; leaseUntil: number | null }, now: number): Refused {
  const holder = (job.leaseUntil ?? 0) > now ? 'is in flight' : 'was cut short (its lease expired) and is not reconciled yet';
  return {
    ok: false,
    reason: 'CREATE_UNSETTLED',
    detail: `cannot ${action} document ${document.id} (${document.relPath}): upload job ${job.id} ${holder}; its create may have made an entry nothing records`,
    document,
  };
}
