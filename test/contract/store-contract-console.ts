import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE, queuedCreate, readyDocument, scanned, T0, uploadClaimInput, type StoreRef } from './store-contract-fixtures.js';

/** Sources paused by hand, actions recorded for the next run, and the console's documents query (issue 11). */
export function consoleContract(current: StoreRef): void {
  describe('source pauses', () => {
    it('pauses and resumes a source once, with an event each, and lists what is paused', async () => {
      const store = current();
      expect(await store.pauseSource('docs', T0)).toBe(true);
      expect(await store.pauseSource('docs', T0 + 1)).toBe(false);
      expect(await store.pausedSources()).toEqual([{ sourceName: 'docs', pausedAt: T0 }]);
      expect(await store.resumeSource('docs', T0 + 2)).toBe(true);
      expect(await store.resumeSource('docs', T0 + 3)).toBe(false);
      expect(await store.pausedSources()).toEqual([]);
      const events = await store.listEvents({ types: ['source-paused', 'source-resumed'] });
      expect(events.map((e) => [e.type, e.sourceName, e.at])).toEqual([
        ['source-paused', 'docs', T0],
        ['source-resumed', 'docs', T0 + 2],
      ]);
      await expect(store.pauseSource('', T0)).rejects.toMatchObject({ code: 'STORE_INVALID_ARGUMENT' });
    });

    it('claims no upload, delete or other job of a paused source, and says no job will become due', async () => {
      const store = current();
      const live = await readyDocument(store, 'gone.md', 77);
      await queuedCreate(store, 'paused.md', { sourceName: 'held' });
      await store.pauseSource('held', T0);
      await store.pauseSource('docs', T0);
      await store.queueDelete(live.id, T0);
      expect(await store.claimUpload(uploadClaimInput('w', T0 + 1))).toEqual({ ok: false, reason: 'NO_JOB', nextJobAt: null });
      expect(await store.claimNextJob('w', T0 + 1, MINUTE)).toBeNull();
      expect((await store.budgetStatus('org', 10, HOUR, T0 + 1)).used).toBe(0);

      await store.resumeSource('held', T0 + 2);
      const claim = await store.claimUpload(uploadClaimInput('w', T0 + 3));
      expect(claim).toMatchObject({ ok: true, document: { relPath: 'paused.md', state: 'uploading' } });
      expect(await store.claimNextJob('w', T0 + 3, MINUTE)).toBeNull();
      await store.resumeSource('docs', T0 + 4);
      expect(await store.claimNextJob('w', T0 + 5, MINUTE)).toMatchObject({ job: { kind: 'delete', documentId: live.id } });
    });
  });

  describe('pending actions', () => {
    it('records actions for the next run and hands each to one taker', async () => {
      const store = current();
      const first = await store.recordPendingAction({ kind: 'sync-now', now: T0 });
      const second = await store.recordPendingAction({ kind: 'sync-now', sourceName: 'docs', now: T0 + 1 });
      expect(first).toEqual({ id: expect.any(Number), kind: 'sync-now', sourceName: null, requestedAt: T0 });
      expect(await store.listPendingActions()).toEqual([first, second]);
      expect(await store.takePendingActions([])).toEqual([]);
      expect(await store.takePendingActions(['sync-now'])).toEqual([first, second]);
      expect(await store.takePendingActions(['sync-now'])).toEqual([]);
      expect(await store.listPendingActions()).toEqual([]);
      await expect(store.recordPendingAction({ kind: 'explode' as 'sync-now', now: T0 })).rejects.toMatchObject({ code: 'STORE_INVALID_ARGUMENT' });
    });
  });

  describe('queryDocuments', () => {
    it('filters by state, source and path text, sorts, pages and counts the matches', async () => {
      const store = current();
      for (const path of ['b/report.pdf', 'a/notes_1.md', 'a/notes%2.md', 'c/other.txt']) await scanned(store, path);
      await scanned(store, 'z/report.pdf', { sourceName: 'web' });
      await readyDocument(store, 'ready.md', 4242);

      const all = await store.queryDocuments({});
      expect(all.total).toBe(6);
      expect(all.documents.map((d) => d.relPath)).toEqual(['a/notes%2.md', 'a/notes_1.md', 'b/report.pdf', 'c/other.txt', 'ready.md', 'z/report.pdf']);

      const page = await store.queryDocuments({ sort: 'path', descending: true, offset: 1, limit: 2 });
      expect(page).toMatchObject({ total: 6 });
      expect(page.documents.map((d) => d.relPath)).toEqual(['ready.md', 'c/other.txt']);

      expect((await store.queryDocuments({ search: 'REPORT' })).documents.map((d) => d.sourceName)).toEqual(['docs', 'web']);
      expect((await store.queryDocuments({ search: '_' })).documents.map((d) => d.relPath)).toEqual(['a/notes_1.md']);
      expect((await store.queryDocuments({ search: '%' })).documents.map((d) => d.relPath)).toEqual(['a/notes%2.md']);
      expect((await store.queryDocuments({ search: '4242' })).documents.map((d) => d.relPath)).toEqual(['ready.md']);
      expect((await store.queryDocuments({ sourceName: 'web' })).total).toBe(1);
      expect((await store.queryDocuments({ states: ['ready'] })).documents.map((d) => d.entryId)).toEqual([4242]);
      expect(await store.queryDocuments({ states: [] })).toEqual({ total: 0, documents: [] });
      expect((await store.queryDocuments({ sort: 'state', limit: 1 })).documents[0]?.state).toBe('discovered');
    });

    it('refuses a sort key, offset or limit it does not know', async () => {
      const store = current();
      await expect(store.queryDocuments({ sort: 'secret' as 'path' })).rejects.toMatchObject({ code: 'STORE_INVALID_ARGUMENT' });
      await expect(store.queryDocuments({ offset: -1 })).rejects.toMatchObject({ code: 'STORE_INVALID_ARGUMENT' });
      await expect(store.queryDocuments({ limit: 501 })).rejects.toMatchObject({ code: 'STORE_INVALID_ARGUMENT' });
    });
  });
}
