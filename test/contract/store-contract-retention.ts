import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/store/maintenance.js';
import { eventTypes, expectOk, HOUR, MINUTE, queuedCreate, readyDocument, T0, uploadClaimInput, type StoreRef } from './store-contract-fixtures.js';

/** History older than `state.retentionDays` is pruned; nothing the engine still reads goes with it. */
export function retentionContract(current: StoreRef): void {
  describe('history retention', () => {
    it('prunes events and finished jobs older than the cut-off, and keeps the newer ones', async () => {
      const store = current();
      const old = await readyDocument(store, 'old.pdf', 10, T0);
      await store.appendEvent({ at: T0 + 1, type: 'sync.pass' });
      const later = T0 + 40 * DAY_MS;
      const recent = await readyDocument(store, 'recent.pdf', 11, later);
      await store.appendEvent({ at: later + 1, type: 'sync.pass' });
      const oldJobs = await store.listJobs({ documentId: old.id });
      expect(oldJobs.map((job) => job.state)).toEqual(['done']);

      const pruned = await store.pruneHistory({ before: later - 30 * DAY_MS });
      expect(pruned.events).toBeGreaterThanOrEqual(5);
      expect(pruned.jobs).toBe(1);
      expect(await eventTypes(store, old.id)).toEqual([]);
      expect(await store.listJobs({ documentId: old.id })).toEqual([]);
      expect((await store.listEvents({ types: ['sync.pass'] })).map((e) => e.at)).toEqual([later + 1]);
      expect((await eventTypes(store, recent.id)).length).toBeGreaterThan(0);
      expect(await store.listJobs({ documentId: recent.id })).toHaveLength(1);
      // The documents themselves are state, not history.
      expect(await store.getDocument(old.id)).toMatchObject({ state: 'ready', entryId: 10 });
      expect(await store.pruneHistory({ before: later - 30 * DAY_MS })).toEqual({ events: 0, jobs: 0 });
    });

    it('never prunes open jobs, or the history of a document whose upload is still in flight', async () => {
      const store = current();
      await queuedCreate(store, 'claimed.pdf', { now: T0 });
      const { document: waiting, job } = await queuedCreate(store, 'waiting.pdf', { now: T0 + 1 });
      const claim = await store.claimUpload({ ...uploadClaimInput('worker', T0 + 2 * MINUTE), scope: 'other' });
      expectOk(claim);
      const inFlight = claim.document;
      expect(inFlight.relPath).toBe('claimed.pdf');
      expectOk(await store.recordEntryCreated(inFlight.id, 77, T0 + 3 * MINUTE));

      await store.pruneHistory({ before: T0 + 365 * DAY_MS });
      expect(await store.getJob(job.id)).toMatchObject({ state: 'queued' });
      expect(await store.getJob(claim.job.id)).toMatchObject({ state: 'running' });
      // The uploader settles a recovered claim from these events (upload-claimed, entry-created).
      expect(await eventTypes(store, inFlight.id)).toEqual(expect.arrayContaining(['upload-claimed', 'entry-created']));
      expect((await eventTypes(store, waiting.id)).length).toBeGreaterThan(0);
    });

    it('refuses a cut-off that is not a finite time', async () => {
      const store = current();
      await expect(store.pruneHistory({ before: Number.NaN })).rejects.toMatchObject({ code: 'STORE_INVALID_ARGUMENT' });
      expect(await store.pruneHistory({ before: T0 - HOUR })).toEqual({ events: 0, jobs: 0 });
    });
  });
}
