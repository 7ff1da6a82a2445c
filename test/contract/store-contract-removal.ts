import { describe, expect, it } from 'vitest';
import { leaseOf, UPLOAD_JOB_KINDS } from '../../src/store/jobs.js';
import type { Store } from '../../src/store/store.js';
import {
  eventTypes,
  expectOk,
  MINUTE,
  queuedCreate,
  readyDocument,
  scanned,
  T0,
  uploadClaimInput,
  version,
  type StoreRef,
} from './store-contract-fixtures.js';

/** Duplicates, deletions and renames: the ways a document stops needing its own upload. */
export function removalContract(current: StoreRef): void {
  describe('duplicates', () => {
    it('records a second path with the same text as a duplicate, never while it holds an entry', async () => {
      const store = current();
      const original = await readyDocument(store, 'a/manual.pdf', 10);
      const copy = await scanned(store, 'b/manual-copy.pdf');
      const duplicate = await store.markDuplicate(copy.id, original.id, version(), T0 + 1);
      expectOk(duplicate);
      expect(duplicate.document).toMatchObject({ state: 'duplicate', duplicateOf: original.id, entryId: null });
      expect((await store.listDocuments({ duplicateOf: original.id })).map((d) => d.id)).toEqual([copy.id]);

      const other = await readyDocument(store, 'c/other.pdf', 11);
      expect(await store.markDuplicate(other.id, original.id, version(), T0 + 2)).toMatchObject({ ok: false, reason: 'ENTRY_REMAINS' });
      expect(await store.markDuplicate(copy.id, original.id + 999, version(), T0 + 2)).toMatchObject({ ok: false, reason: 'NOT_FOUND' });
    });

    it('promotes a duplicate to an upload of its own when queued', async () => {
      const store = current();
      const original = await scanned(store, 'first.md');
      const copy = await scanned(store, 'second.md');
      expectOk(await store.markDuplicate(copy.id, original.id, version(), T0));
      const queued = await store.queueUpload({ documentId: copy.id, kind: 'create', now: T0 + 1 });
      expectOk(queued);
      expect(queued.document).toMatchObject({ state: 'queued', duplicateOf: null });
    });
  });

  describe('deletions', () => {
    it('deletes a document with an entry through a delete job, and only once its entry is forgotten', async () => {
      const store = current();
      const ready = await readyDocument(store, 'old.pdf', 20);
      const deleting = await store.queueDelete(ready.id, T0 + 1);
      expectOk(deleting);
      expect(deleting.document.state).toBe('deleting');
      const [job] = await store.listJobs({ documentId: ready.id, kinds: ['delete'], states: ['queued'] });
      expect(job).toBeDefined();

      const claim = await store.claimNextJob('deleter', T0 + 2, MINUTE, { kinds: ['delete'] });
      expect(claim?.job.id).toBe(job?.id);
      expect(await store.markGone(ready.id, T0 + 3)).toMatchObject({ ok: false, reason: 'ENTRY_REMAINS' });
      expectOk(await store.forgetEntry(ready.id, 20, T0 + 3));
      const gone = await store.markGone(ready.id, T0 + 4);
      expectOk(gone);
      expect(gone.document).toMatchObject({ state: 'gone', entryId: null });
      expect((await store.getJob(job?.id ?? -1))?.state).toBe('done');
      expect(await eventTypes(store, ready.id)).toEqual(expect.arrayContaining(['delete-queued', 'entry-deleted', 'gone']));
    });

    it('lets a document without an entry go at once, cancelling its queued upload', async () => {
      const store = current();
      const { document, job } = await queuedCreate(store, 'never-sent.md');
      const gone = await store.queueDelete(document.id, T0 + 1);
      expectOk(gone);
      expect(gone.document.state).toBe('gone');
      expect((await store.getJob(job.id))?.state).toBe('cancelled');
      expect(await store.claimUpload(uploadClaimInput('w', T0 + 2))).toMatchObject({ ok: false, reason: 'NO_JOB' });
    });

    it('keeps the entry recorded with onDelete "keep"', async () => {
      const store = current();
      const ready = await readyDocument(store, 'kept.pdf', 30);
      const gone = await store.markGone(ready.id, T0 + 1, { entryKept: true });
      expectOk(gone);
      expect(gone.document).toMatchObject({ state: 'gone', entryId: 30 });
      const back = await store.upsertScanned(
        { sourceName: 'docs', relPath: 'kept.pdf', replicaUUID: ready.replicaUUID, size: ready.size, mtimeMs: ready.mtimeMs },
        T0 + 2,
      );
      expect(back.change).toBe('reappeared');
    });

    it('does not lose an entry created by an upload still in flight when the file is deleted', async () => {
      const store = current();
      const { document } = await queuedCreate(store, 'racing.pdf');
      expectOk(await store.claimUpload(uploadClaimInput('uploader', T0, { leaseMs: 10 * MINUTE })));
      const deleting = await store.queueDelete(document.id, T0 + 1);
      expectOk(deleting);
      expect(deleting.document.state).toBe('deleting');
      expect(await store.markGone(document.id, T0 + 2)).toMatchObject({ ok: false, reason: 'CREATE_UNSETTLED' });
      const created = await store.recordEntryCreated(document.id, 40, T0 + 3);
      expectOk(created);
      expect(created.document).toMatchObject({ state: 'deleting', entryId: 40 });
      expect(await store.markGone(document.id, T0 + 4)).toMatchObject({ ok: false, reason: 'ENTRY_REMAINS' });
    });
  });

  describe('an upload cut short by a crash, then the file deleted', () => {
    // The interleaving the soak found (seed 3232504): the upload is claimed, its create reaches
    // Sensay, the process is SIGKILLed before `recordEntryCreated`; the file is then deleted.
    async function cutShort(store: Store, relPath: string) {
      const { document, job } = await queuedCreate(store, relPath);
      expectOk(await store.claimUpload(uploadClaimInput('killed', T0, { leaseMs: MINUTE })));
      // The dead holder's lease runs out (or a dead-owner sweep expires it).
      return { document, job, after: T0 + 2 * MINUTE };
    }

    it('goes to deleting, never straight to gone, and cannot be let go before the create is settled', async () => {
      const store = current();
      const { document, job, after } = await cutShort(store, 'flaky.md');
      const deleting = await store.queueDelete(document.id, after);
      expectOk(deleting);
      expect(deleting.document).toMatchObject({ state: 'deleting', entryId: null });
      expect(await store.listJobs({ documentId: document.id, kinds: ['delete'], states: ['queued'] })).toHaveLength(1);
      expect((await store.getJob(job.id))?.state).toBe('running');
      // Nothing records the entry the create may have made: no gone until someone reconciled it.
      expect(await store.markGone(document.id, after + 1)).toMatchObject({ ok: false, reason: 'CREATE_UNSETTLED' });
      expect((await store.getDocument(document.id))?.state).toBe('deleting');
    });

    it('lets the delete job take the cut-short upload over (fencing the dead holder), then go', async () => {
      const store = current();
      const { document, job, after } = await cutShort(store, 'flaky-2.md');
      expectOk(await store.queueDelete(document.id, after));
      const deleter = await store.claimNextJob('deleter', after, MINUTE, { kinds: ['delete'] });
      expect(deleter?.job.kind).toBe('delete');
      const other = await queuedCreate(store, 'someone-else.md');
      const takeover = await store.claimNextJob('deleter', after + 1, MINUTE, { kinds: UPLOAD_JOB_KINDS, documentId: document.id });
      expect(takeover).toMatchObject({ job: { id: job.id }, recovered: { previousOwner: 'killed' } });
      expect(await store.claimNextJob('deleter', after + 1, MINUTE, { kinds: UPLOAD_JOB_KINDS, documentId: document.id })).toBeNull();
      expect((await store.getJob(other.job.id))?.state).toBe('queued');
      // The dead holder, were it to wake, changes nothing any more.
      expect(await store.recordEntryCreated(document.id, 41, after + 2, { jobId: job.id, owner: 'killed', generation: 1 })).toMatchObject({
        ok: false,
        reason: 'LEASE_LOST',
      });
      // Reconciled by title (the uploader's part); the upload job ends, and the document may go.
      expect(await store.completeJob(job.id, 'deleter', after + 3, takeover?.job.leaseGeneration)).toBe(true);
      const gone = await store.markGone(document.id, after + 4);
      expectOk(gone);
      expect(gone.document.state).toBe('gone');
    });

    it("is not failed, nor its upload cancelled, by anyone but the upload's holder", async () => {
      const store = current();
      const { document, job, after } = await cutShort(store, 'flaky-3.md');
      const error = { message: 'given up' };
      expect(await store.markFailed(document.id, error, after)).toMatchObject({ ok: false, reason: 'CREATE_UNSETTLED' });
      expect(await store.cancelJob(job.id, after)).toBe(false);
      expect((await store.getJob(job.id))?.state).toBe('running');
      const holder = await store.claimNextJob('recoverer', after, MINUTE, { kinds: UPLOAD_JOB_KINDS, documentId: document.id });
      expectOk(await store.markFailed(document.id, error, after + 1, leaseOf(holder?.job ?? job)));
      expect((await store.getJob(job.id))?.state).toBe('failed');
    });
  });

  describe('renames', () => {
    it('moves a document to its new path, absorbing the row the scan made there, and queues a title update', async () => {
      const store = current();
      const ready = await readyDocument(store, 'drafts/plan.pdf', 50);
      const fresh = await scanned(store, 'final/plan.pdf');
      const renamed = await store.renameDocument({ documentId: ready.id, newRelPath: 'final/plan.pdf', version: version({ mtimeMs: 5 }), now: T0 + 1 });
      expectOk(renamed);
      expect(renamed.document).toMatchObject({ id: ready.id, relPath: 'final/plan.pdf', state: 'ready', entryId: 50, mtimeMs: 5 });
      expect(renamed.job).toMatchObject({ kind: 'rename', payload: { from: 'drafts/plan.pdf', to: 'final/plan.pdf' } });
      expect((await store.getDocumentByPath('docs', 'final/plan.pdf'))?.id).toBe(ready.id);
      expect(await store.getDocumentByPath('docs', 'drafts/plan.pdf')).toBeNull();
      expect(await store.getDocument(fresh.id)).toBeNull();
      const [event] = await store.listEvents({ documentId: ready.id, types: ['renamed'] });
      expect(event).toMatchObject({ relPath: 'final/plan.pdf', detail: { from: 'drafts/plan.pdf', to: 'final/plan.pdf' } });
    });

    it('queues a title update for a document whose only live entry is its predecessor (successor errored, recreate queued)', async () => {
      const store = current();
      const ready = await readyDocument(store, 'guide.md', 70);
      expectOk(await store.queueUpload({ documentId: ready.id, kind: 'replace', version: version({ sha256: 'b'.repeat(64) }), now: T0 + 1 }));
      const claim = await store.claimUpload({ ...uploadClaimInput('worker', T0 + 2, { limit: 10_000 }), scope: 'setup' });
      expect(claim.ok).toBe(true);
      expectOk(await store.recordEntryCreated(ready.id, 71, T0 + 3));
      expectOk(await store.markErrored(ready.id, 71, { message: 'processing failed' }, T0 + 4));
      const requeued = await store.requeueAfterError({ documentId: ready.id, deletedEntryId: 71, notBefore: T0 + MINUTE, now: T0 + 5 });
      expectOk(requeued);
      expect(requeued.document).toMatchObject({ state: 'queued', entryId: null, previousEntryId: 70 });

      const renamed = await store.renameDocument({ documentId: ready.id, newRelPath: 'manual.md', now: T0 + 6 });
      expectOk(renamed);
      // Entry 70 still serves the replica until a successor is READY (or for good, should the
      // recreate fail): it must carry the new title, as a recorded current entry would.
      expect(renamed.job).toMatchObject({ kind: 'rename', payload: { from: 'guide.md', to: 'manual.md' } });
    });

    it('refuses to move onto a path whose document holds an entry', async () => {
      const store = current();
      const a = await readyDocument(store, 'a.pdf', 60);
      await readyDocument(store, 'b.pdf', 61);
      expect(await store.renameDocument({ documentId: a.id, newRelPath: 'b.pdf', now: T0 })).toMatchObject({ ok: false, reason: 'PATH_TAKEN' });
      expect((await store.getDocument(a.id))?.relPath).toBe('a.pdf');
    });
  });
}
