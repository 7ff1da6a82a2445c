import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { DeleteEntryOutcome, EntryPage, KnowledgeBaseEntry, ListEntriesFilters } from '../../src/sensay/types.js';
import type { PollerApi } from '../../src/status/poll-types.js';
import type { DocumentRecord, Store } from '../../src/store/store.js';

export const REPLICA = '3f1c7d8e-0000-4000-8000-00000000000a';
export const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

/** An in-memory API at the poller's port: list filters, paging, GET, DELETE, and failures on demand. */
export class FakeApi implements PollerApi {
  readonly entries = new Map<number, KnowledgeBaseEntry>();
  readonly calls: string[] = [];
  failLists = 0;
  failDeletes = 0;

  put(id: number, status: string, extra: Partial<KnowledgeBaseEntry> = {}): void {
    const at = new Date(T0 + id).toISOString();
    this.entries.set(id, { id, type: 'text', status, createdAt: at, updatedAt: at, ...extra });
  }

  listEntries(_replica: string, filters: ListEntriesFilters = {}): Promise<EntryPage> {
    this.calls.push(`list ${filters.status?.join(',') ?? (filters.hasError ? 'hasError' : 'all')} p${filters.page ?? 1}`);
    if (this.failLists > 0) {
      this.failLists--;
      return Promise.reject(new Error('list failed'));
    }
    const matching = [...this.entries.values()]
      .filter((e) => filters.status === undefined || filters.status.includes(e.status))
      .filter((e) => filters.hasError === undefined || (e.error != null) === filters.hasError)
      .sort((a, b) => (filters.sortOrder === 'desc' ? b.id - a.id : a.id - b.id));
    const size = filters.pageSize ?? 100;
    const page = filters.page ?? 1;
    return Promise.resolve({ items: matching.slice((page - 1) * size, page * size), total: matching.length });
  }

  getEntry(_replica: string, id: number): Promise<KnowledgeBaseEntry | null> {
    this.calls.push(`get ${id}`);
    return Promise.resolve(this.entries.get(id) ?? null);
  }

  deleteEntry(_replica: string, id: number): Promise<DeleteEntryOutcome> {
    this.calls.push(`delete ${id}`);
    if (this.failDeletes > 0) {
      this.failDeletes--;
      return Promise.reject(new Error('delete failed'));
    }
    return Promise.resolve(this.entries.delete(id) ? 'deleted' : 'already-gone');
  }
}

/** A logger whose lines a test can read back. */
export function captureLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

/** A document taken through the store's upload transitions to `processing` with `entryId`. */
export async function processingDocument(store: Store, relPath: string, entryId: number, now = T0): Promise<DocumentRecord> {
  const { document } = await store.upsertScanned({ sourceName: 'docs', relPath, replicaUUID: REPLICA, size: 10, mtimeMs: 1 }, now);
  const hash = relPath.padEnd(64, '0').slice(0, 64);
  const version = { size: 10, mtimeMs: 1, kind: 'txt', sha256: hash, textHash: hash, warnings: [] };
  const queued = await store.queueUpload({ documentId: document.id, kind: 'create', version, now });
  if (!queued.ok) throw new Error(queued.detail);
  const claim = await store.claimUpload({ owner: 't', now, leaseMs: 60_000, scope: 't', limit: 1_000, windowMs: 3_600_000 });
  if (!claim.ok || claim.document.id !== document.id) throw new Error('claim failed');
  await store.recordEntryCreated(document.id, entryId, now);
  const processing = await store.markProcessing(document.id, entryId, now);
  if (!processing.ok) throw new Error(processing.detail);
  return processing.document;
}
