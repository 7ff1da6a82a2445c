import { describe, expect, it } from 'vitest';
import {
  eventTypes,
  expectOk,
  HOUR,
  MINUTE,
  queuedCreate,
  readyDocument,
  REPLICA_A,
  REPLICA_B,
  scanned,
  T0,
  uploadClaimInput,
  version,
  type StoreRef,
} from './store-contract-fixtures.js';

export function documentContract(current: StoreRef): void {
  describe('documents from a scan', () => {
    it('registers an unknown file as discovered, and classifies it on later scans without touching it', async () => {
      const store = current();
      const file = { sourceName: 'docs', relPath: 'a/report.pdf', replicaUUID: REPLICA_A, size: 10, mtimeMs: 1.5 };
      const first = await store.upsertScanned(file, T0);
      expect(first.change).toBe('new');
      expect(first.document).toMatchObject({ state: 'discovered', size: 10, mtimeMs: 1.5, entryId: null, attempts: 0 });
      expect(first.document.discoveredAt).toBe(T0);

      expect((await store.upsertScanned(file, T0 + 1)).change).toBe('unchanged');
      const touched = await store.upsertScanned({ ...file, mtimeMs: 2.75 }, T0 + 2);
      expect(touched.change).toBe('modified');
      // The known version stays until a decision about the new one is recorded: a crash in
      // between must leave the change visible to the next scan.
      expect(touched.document.mtimeMs).toBe(1.5);
      expect((await store.getDocument(first.document.id))?.mtimeMs).toBe(1.5);
      expect(await eventTypes(store, first.document.id)).toEqual(['discovered']);
    });

    it('classifies a whole scan batch at once, in order', async () => {
      const store = current();
      const file = (relPath: string, mtimeMs = 1) => ({ sourceName: 'docs', relPath, replicaUUID: REPLICA_A, size: 1, mtimeMs });
      await store.upsertScanned(file('known.md'), T0);
      const results = await store.upsertScannedMany([file('new.md'), file('known.md'), file('known.md', 2), file('new.md')], T0 + 1);
      expect(results.map((r) => [r.document.relPath, r.change])).toEqual([
        ['new.md', 'new'],
        ['known.md', 'unchanged'],
        ['known.md', 'modified'],
        ['new.md', 'unchanged'],
      ]);
      expect(await store.upsertScannedMany([], T0)).toEqual([]);
      expect(await store.listDocuments()).toHaveLength(2);
    });

    it('refuses to queue again a version that is already queued or live (two passes racing), but queues a new one', async () => {
      const store = current();
      const ready = await readyDocument(store, 'live.md', 777);
      const { document, job } = await queuedCreate(store, 'raced.md');
      const sameVersion = version({ sha256: 'raced.md'.padEnd(64, '0').slice(0, 64) });
      const again = await store.queueUpload({ documentId: document.id, kind: 'create', version: sameVersion, now: T0 + 1 });
      expect(again).toMatchObject({ ok: false, reason: 'SAME_VERSION' });
      expect((await store.listJobs({ documentId: document.id })).map((j) => j.id)).toEqual([job.id]);

      const stale = await store.queueUpload({
        documentId: ready.id,
        kind: 'create',
        version: version({ sha256: 'live.md'.padEnd(64, '0').slice(0, 64) }),
        now: T0 + 2,
      });
      expect(stale).toMatchObject({ ok: false, reason: 'SAME_VERSION' });
      expect((await store.getDocument(ready.id))?.state).toBe('ready');

      const changed = await store.queueUpload({ documentId: ready.id, kind: 'replace', version: version({ sha256: 'b'.repeat(64) }), now: T0 + 3 });
      expect(changed.ok).toBe(true);
    });

    it('finds documents by id, by source and path, and by current or predecessor entry', async () => {
      const store = current();
      const ready = await readyDocument(store, 'found.md', 501);
      expect((await store.getDocumentByPath('docs', 'found.md'))?.id).toBe(ready.id);
      expect(await store.getDocumentByPath('other', 'found.md')).toBeNull();
      expect((await store.getDocumentByEntryId(501))?.id).toBe(ready.id);
      expect(await store.getDocument(ready.id + 1000)).toBeNull();

      expectOk(await store.queueUpload({ documentId: ready.id, kind: 'replace', version: version({ sha256: 'b'.repeat(64) }), now: T0 }));
      const claim = await store.claimUpload(uploadClaimInput('w', T0));
      expectOk(claim);
      expectOk(await store.recordEntryCreated(ready.id, 502, T0));
      expect((await store.getDocumentByEntryId(501))?.id).toBe(ready.id);
      expect((await store.getDocumentByEntryId(502))?.id).toBe(ready.id);
      expect(await store.getDocumentByEntryId(999)).toBeNull();
    });

    it('records a rejection with its reason, and withdraws a queued upload of that version', async () => {
      const store = current();
      const { document, job } = await queuedCreate(store, 'bad.pdf');
      const rejected = await store.recordRejected(
        document.id,
        { version: version({ kind: null, sha256: null, textHash: null }), reason: 'ENCRYPTED', detail: 'password protected' },
        T0 + 1,
      );
      expectOk(rejected);
      expect(rejected.document).toMatchObject({ state: 'rejected', rejectReason: 'ENCRYPTED', rejectDetail: 'password protected' });
      expect((await store.getJob(job.id))?.state).toBe('cancelled');
      expect(await store.claimUpload(uploadClaimInput('w', T0 + 2))).toMatchObject({ ok: false, reason: 'NO_JOB' });
    });

    it('records an extraction, and a touch that changed no content only refreshes the stat', async () => {
      const store = current();
      const document = await scanned(store, 'notes.txt');
      const extracted = await store.recordExtracted(document.id, version({ kind: 'txt', warnings: ['NO_TITLE'] }), T0 + 1);
      expectOk(extracted);
      expect(extracted.document).toMatchObject({ state: 'extracted', kind: 'txt', warnings: ['NO_TITLE'], stateSince: T0 + 1 });
      const refreshed = await store.refreshStat(document.id, { size: 1200, mtimeMs: 99.5 }, T0 + 2);
      expectOk(refreshed);
      expect(refreshed.document).toMatchObject({ state: 'extracted', mtimeMs: 99.5, stateSince: T0 + 1 });
      expect(await eventTypes(store, document.id)).toEqual(['discovered', 'extracted']);
    });
  });

  describe('document transitions', () => {
    it('walks a create through queued, uploading, processing and ready, one event per step', async () => {
      const store = current();
      const { document, job } = await queuedCreate(store, 'guide.docx');
      expect(document.state).toBe('queued');
      const claim = await store.claimUpload(uploadClaimInput('w1', T0 + 1));
      expectOk(claim);
      expect(claim.document).toMatchObject({ id: document.id, state: 'uploading' });
      const created = await store.recordEntryCreated(document.id, 7001, T0 + 2);
      expectOk(created);
      expect(created.document).toMatchObject({ entryId: 7001, previousEntryId: null, attempts: 1, state: 'uploading' });
      expectOk(await store.markProcessing(document.id, 7001, T0 + 3));
      expect((await store.getJob(job.id))?.state).toBe('done');
      const ready = await store.markReady(document.id, 7001, T0 + 4);
      expectOk(ready);
      expect(ready.document).toMatchObject({ state: 'ready', entryId: 7001, stateSince: T0 + 4, lastError: null });
      expect(await eventTypes(store, document.id)).toEqual([
        'discovered',
        'queued',
        'upload-claimed',
        'entry-created',
        'processing',
        'ready',
      ]);
    });

    it('refuses, as a value, a transition from the wrong state or for another entry', async () => {
      const store = current();
      const { document } = await queuedCreate(store, 'x.md');
      expect(await store.markReady(document.id, 1, T0)).toMatchObject({ ok: false, reason: 'WRONG_STATE' });
      expect(await store.markProcessing(document.id + 999, 1, T0)).toMatchObject({ ok: false, reason: 'NOT_FOUND', document: null });
      expectOk(await store.claimUpload(uploadClaimInput('w', T0)));
      expectOk(await store.recordEntryCreated(document.id, 10, T0));
      const mismatch = await store.markProcessing(document.id, 11, T0);
      expect(mismatch).toMatchObject({ ok: false, reason: 'ENTRY_MISMATCH' });
      expect(mismatch.document?.state).toBe('uploading');
    });

    it('accepts a repeated transition without recording it twice', async () => {
      const store = current();
      const ready = await readyDocument(store, 'twice.md', 88);
      const before = await eventTypes(store, ready.id);
      const again = await store.markReady(ready.id, 88, T0 + HOUR);
      expectOk(again);
      expect(again.document.updatedAt).toBe(ready.updatedAt);
      expectOk(await store.recordEntryCreated(ready.id, 88, T0 + HOUR));
      expect(await eventTypes(store, ready.id)).toEqual(before);
    });

    it('replaces: the predecessor stays recorded until the successor is ready and the caller deleted it', async () => {
      const store = current();
      const ready = await readyDocument(store, 'policy.pdf', 100);
      const queued = await store.queueUpload({ documentId: ready.id, kind: 'replace', version: version({ sha256: 'c'.repeat(64) }), now: T0 + 1 });
      expectOk(queued);
      expect(queued.document).toMatchObject({ state: 'queued', entryId: 100, sha256: 'c'.repeat(64), attempts: 0 });
      expect(queued.job.kind).toBe('replace');
      expectOk(await store.claimUpload(uploadClaimInput('w', T0 + 2)));
      const created = await store.recordEntryCreated(ready.id, 101, T0 + 3);
      expectOk(created);
      expect(created.document).toMatchObject({ entryId: 101, previousEntryId: 100 });
      expectOk(await store.markProcessing(ready.id, 101, T0 + 4));
      const successor = await store.markReady(ready.id, 101, T0 + 5);
      expectOk(successor);
      expect(successor.document.previousEntryId).toBe(100);
      expect((await store.listDocuments({ hasPreviousEntry: true })).map((d) => d.id)).toEqual([ready.id]);
      const cleaned = await store.forgetEntry(ready.id, 100, T0 + 6);
      expectOk(cleaned);
      expect(cleaned.document).toMatchObject({ state: 'ready', entryId: 101, previousEntryId: null });
    });

    it('keeps the previous version live when the successor fails for good', async () => {
      const store = current();
      const ready = await readyDocument(store, 'keep.pdf', 200);
      expectOk(await store.queueUpload({ documentId: ready.id, kind: 'replace', now: T0 + 1 }));
      expectOk(await store.claimUpload(uploadClaimInput('w', T0 + 2)));
      expectOk(await store.recordEntryCreated(ready.id, 201, T0 + 3));
      expectOk(await store.markProcessing(ready.id, 201, T0 + 4));
      const error = { message: 'cannot process', code: 'UNPROCESSABLE', fingerprint: 'fp-1' };
      const failed = await store.markFailed(ready.id, error, T0 + 5);
      expectOk(failed);
      expect(failed.document).toMatchObject({ state: 'failed', previousEntryId: 200, lastError: error });
      const [event] = await store.listEvents({ documentId: ready.id, types: ['failed'] });
      expect(event?.detail).toMatchObject({ previousVersionLive: true, fingerprint: 'fp-1' });
    });

    it('supersedes an unfinished successor when a newer version is uploaded over it', async () => {
      const store = current();
      const ready = await readyDocument(store, 'churn.txt', 300);
      expectOk(await store.queueUpload({ documentId: ready.id, kind: 'replace', now: T0 + 1 }));
      expectOk(await store.claimUpload(uploadClaimInput('w', T0 + 2)));
      expectOk(await store.recordEntryCreated(ready.id, 301, T0 + 3));
      expectOk(await store.markProcessing(ready.id, 301, T0 + 4));
      expectOk(await store.queueUpload({ documentId: ready.id, kind: 'replace', version: version({ sha256: 'd'.repeat(64) }), now: T0 + 5 }));
      expectOk(await store.claimUpload(uploadClaimInput('w', T0 + 6)));
      const created = await store.recordEntryCreated(ready.id, 302, T0 + 7);
      expectOk(created);
      expect(created.supersededEntryId).toBe(301);
      expect(created.document).toMatchObject({ entryId: 302, previousEntryId: 300 });
    });

    it('errored: requeues a recreate after the entry is deleted, not before its backoff, counting attempts', async () => {
      const store = current();
      const { document } = await queuedCreate(store, 'flaky.pdf');
      expectOk(await store.claimUpload(uploadClaimInput('w', T0)));
      expectOk(await store.recordEntryCreated(document.id, 400, T0));
      expectOk(await store.markProcessing(document.id, 400, T0));
      const errored = await store.markErrored(document.id, 400, { message: 'vector failed', fingerprint: 'f' }, T0 + MINUTE);
      expectOk(errored);
      expect(errored.document).toMatchObject({ state: 'errored', attempts: 1, lastError: { message: 'vector failed' } });

      const notDeleted = await store.requeueAfterError({ documentId: document.id, deletedEntryId: null, notBefore: T0 + 2 * MINUTE, now: T0 + MINUTE });
      expect(notDeleted).toMatchObject({ ok: false, reason: 'ENTRY_REMAINS' });
      const requeued = await store.requeueAfterError({ documentId: document.id, deletedEntryId: 400, notBefore: T0 + 2 * MINUTE, now: T0 + MINUTE });
      expectOk(requeued);
      expect(requeued.document).toMatchObject({ state: 'queued', entryId: null, nextAttemptAt: T0 + 2 * MINUTE, attempts: 1 });
      expect(requeued.job).toMatchObject({ kind: 'recreate', notBefore: T0 + 2 * MINUTE });

      expect(await store.claimUpload(uploadClaimInput('w', T0 + 2 * MINUTE - 1))).toEqual({
        ok: false,
        reason: 'NO_JOB',
        nextJobAt: T0 + 2 * MINUTE,
      });
      const claim = await store.claimUpload(uploadClaimInput('w', T0 + 2 * MINUTE));
      expectOk(claim);
      expect(claim.job.id).toBe(requeued.job.id);
      const second = await store.recordEntryCreated(document.id, 401, T0 + 2 * MINUTE);
      expectOk(second);
      expect(second.document).toMatchObject({ attempts: 2, entryId: 401, previousEntryId: null });
    });

    it('lists documents by state, source, replica, text hash and time in state, and counts them by state', async () => {
      const store = current();
      await readyDocument(store, 'one.md', 1, T0);
      const two = await queuedCreate(store, 'two.md', { replicaUUID: REPLICA_B, now: T0 + HOUR });
      await scanned(store, 'three.md', { sourceName: 'other' });
      expect((await store.listDocuments({ states: ['ready', 'queued'] })).map((d) => d.relPath)).toEqual(['one.md', 'two.md']);
      expect((await store.listDocuments({ replicaUUID: REPLICA_B })).map((d) => d.id)).toEqual([two.document.id]);
      expect((await store.listDocuments({ sourceName: 'other' })).map((d) => d.relPath)).toEqual(['three.md']);
      expect((await store.listDocuments({ states: ['ready', 'queued'], stateSinceBefore: T0 + 1 })).map((d) => d.relPath)).toEqual(['one.md']);
      expect((await store.listDocuments({ textHash: 't'.repeat(64), replicaUUID: REPLICA_A })).map((d) => d.relPath)).toEqual(['one.md']);
      expect(await store.listDocuments({ states: [] })).toEqual([]);
      const page = await store.listDocuments({ limit: 2 });
      expect(page).toHaveLength(2);
      expect((await store.listDocuments({ afterId: page[1]?.id ?? 0 })).map((d) => d.relPath)).toEqual(['three.md']);
      const counts = await store.countDocumentsByState();
      expect(counts).toMatchObject({ ready: 1, queued: 1, discovered: 1, failed: 0, gone: 0 });
      expect(Object.keys(counts)).toHaveLength(12);
      expect((await store.countDocumentsByState({ replicaUUID: REPLICA_B })).queued).toBe(1);
    });
  });
}
