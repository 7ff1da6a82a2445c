import { expect } from 'vitest';
import type { DocumentRecord, FileVersion, JobRecord, Store } from '../../src/store/store.js';

export const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const REPLICA_A = '3f1c7d8e-0000-4000-8000-00000000000a';
export const REPLICA_B = '3f1c7d8e-0000-4000-8000-00000000000b';
export const SCOPE = 'org';

/** What every contract part receives: the store of the current test. */
export type StoreRef = () => Store;

export function version(overrides: Partial<FileVersion> = {}): FileVersion {
  return {
    size: 1200,
    mtimeMs: T0 - HOUR + 0.125,
    kind: 'pdf',
    sha256: 'a'.repeat(64),
    textHash: 't'.repeat(64),
    warnings: [],
    ...overrides,
  };
}

export async function scanned(
  store: Store,
  relPath: string,
  options: { sourceName?: string; replicaUUID?: string; now?: number } = {},
): Promise<DocumentRecord> {
  const { document } = await store.upsertScanned(
    {
      sourceName: options.sourceName ?? 'docs',
      relPath,
      replicaUUID: options.replicaUUID ?? REPLICA_A,
      size: 1200,
      mtimeMs: T0 - HOUR + 0.125,
    },
    options.now ?? T0,
  );
  return document;
}

/** A scanned document queued for its first upload. */
export async function queuedCreate(
  store: Store,
  relPath: string,
  options: { sourceName?: string; replicaUUID?: string; now?: number; priority?: number; notBefore?: number } = {},
): Promise<{ document: DocumentRecord; job: JobRecord }> {
  const now = options.now ?? T0;
  const document = await scanned(store, relPath, { ...options, now });
  const queued = await store.queueUpload({
    documentId: document.id,
    kind: 'create',
    version: version({ sha256: relPath.padEnd(64, '0').slice(0, 64) }),
    ...(options.priority === undefined ? {} : { priority: options.priority }),
    ...(options.notBefore === undefined ? {} : { notBefore: options.notBefore }),
    now,
  });
  if (!queued.ok) throw new Error(`queueUpload refused: ${queued.detail}`);
  return { document: queued.document, job: queued.job };
}

export function uploadClaimInput(owner: string, now: number, extra: { limit?: number; leaseMs?: number } = {}) {
  return { owner, now, leaseMs: extra.leaseMs ?? 5 * MINUTE, scope: SCOPE, limit: extra.limit ?? 10, windowMs: HOUR };
}

/** A document taken all the way to `ready` with entry `entryId`. */
export async function readyDocument(store: Store, relPath: string, entryId: number, now = T0): Promise<DocumentRecord> {
  await queuedCreate(store, relPath, { now });
  // A budget scope of its own, so setting up documents spends nothing a test counts.
  const claim = await store.claimUpload({ ...uploadClaimInput('setup', now, { limit: 10_000 }), scope: 'setup' });
  if (!claim.ok) throw new Error(`claimUpload refused: ${claim.reason}`);
  if (claim.document.relPath !== relPath) throw new Error(`readyDocument(${relPath}) claimed ${claim.document.relPath}`);
  await store.recordEntryCreated(claim.document.id, entryId, now);
  await store.markProcessing(claim.document.id, entryId, now);
  const ready = await store.markReady(claim.document.id, entryId, now);
  if (!ready.ok) throw new Error(`markReady refused: ${ready.detail}`);
  return ready.document;
}

export async function eventTypes(store: Store, documentId: number): Promise<string[]> {
  return (await store.listEvents({ documentId })).map((event) => event.type);
}

export function expectOk<T extends { ok: boolean }>(result: T): asserts result is Extract<T, { ok: true }> {
  expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
}
