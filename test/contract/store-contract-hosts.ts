import { describe, expect, it } from 'vitest';
import type { ClaimSourceInput } from '../../src/store/store.js';
import { MINUTE, queuedCreate, REPLICA_A, REPLICA_B, T0, uploadClaimInput, type StoreRef } from './store-contract-fixtures.js';

const LEASE = MINUTE;

function claimOf(hostName: string, now: number, extra: Partial<ClaimSourceInput> = {}): ClaimSourceInput {
  return { sourceName: 'share', hostName, owner: `${hostName}:1:aa`, standby: false, now, leaseMs: LEASE, ...extra };
}

/** Several hosts on one store (issue 10 §2–4): hosts, source ownership, replica leases, request permits. */
export function hostsContract(current: StoreRef): void {
  describe('hosts', () => {
    it('keeps one stable id per host name, whichever process registers', async () => {
      const store = current();
      const first = await store.registerHost({ hostName: 'ci', owner: 'ci:1:aa', now: T0, newId: 'id-1' });
      const again = await store.registerHost({ hostName: 'ci', owner: 'ci:2:bb', now: T0 + 5, newId: 'id-2' });
      expect(first).toEqual({ name: 'ci', id: 'id-1', firstSeenAt: T0, lastSeenAt: T0, lastOwner: 'ci:1:aa' });
      expect(again).toEqual({ name: 'ci', id: 'id-1', firstSeenAt: T0, lastSeenAt: T0 + 5, lastOwner: 'ci:2:bb' });
      await store.registerHost({ hostName: 'annex', owner: 'annex:1:cc', now: T0, newId: 'id-3' });
      expect((await store.listHosts()).map((h) => [h.name, h.id])).toEqual([['annex', 'id-3'], ['ci', 'id-1']]);
    });
  });

  describe('source ownership', () => {
    it('registers a source to its first host; that host renews it, another non-standby host is refused', async () => {
      const store = current();
      const first = await store.claimSource(claimOf('office', T0));
      expect(first).toMatchObject({ granted: true, lease: { sourceName: 'share', hostName: 'office', generation: 1 }, takenOver: null });
      const renewed = await store.claimSource(claimOf('office', T0 + 10, { owner: 'office:2:bb' }));
      expect(renewed).toMatchObject({ granted: true, lease: { generation: 1 }, record: { owner: 'office:2:bb', leaseUntil: T0 + 10 + LEASE } });
      // Long after the lease: a non-standby host still never takes a source that is registered elsewhere.
      const other = await store.claimSource(claimOf('annex', T0 + 60 * MINUTE));
      expect(other).toMatchObject({ granted: false, reason: 'OWNED', holder: { hostName: 'office', homeHost: 'office' } });
    });

    it('a standby waits while the lease runs, takes over once it expired, and the home host reclaims it', async () => {
      const store = current();
      const home = await store.claimSource(claimOf('primary', T0));
      if (!home.granted) throw new Error('refused');
      expect(await store.claimSource(claimOf('standby', T0 + LEASE - 1, { standby: true }))).toMatchObject({ granted: false, reason: 'STANDBY_WAITING' });
      const taken = await store.claimSource(claimOf('standby', T0 + LEASE, { standby: true }));
      expect(taken).toMatchObject({
        granted: true,
        lease: { hostName: 'standby', generation: 2 },
        record: { asStandby: true, homeHost: 'primary' },
        takenOver: { fromHost: 'primary', reason: 'EXPIRED' },
      });
      // The old holder's lease is fenced: it can neither renew nor release.
      expect(await store.renewSourceLease({ lease: home.lease, owner: 'primary:1:aa', now: T0 + LEASE + 1, leaseMs: LEASE })).toBe(false);
      expect(await store.releaseSource(home.lease, T0 + LEASE + 1)).toBe(false);

      const back = await store.claimSource(claimOf('primary', T0 + LEASE + 2));
      expect(back).toMatchObject({ granted: true, lease: { hostName: 'primary', generation: 3 }, record: { asStandby: false }, takenOver: { fromHost: 'standby', reason: 'RECLAIMED' } });
      if (!taken.granted) throw new Error('refused');
      expect(await store.renewSourceLease({ lease: taken.lease, owner: 'standby:1:aa', now: T0 + LEASE + 3, leaseMs: LEASE })).toBe(false);
    });

    it('a standby that holds a source releases it; a lease renewed by its holder moves forward, never back', async () => {
      const store = current();
      const claim = await store.claimSource(claimOf('spare', T0, { standby: true }));
      if (!claim.granted) throw new Error('refused');
      expect(claim.record).toMatchObject({ asStandby: true, homeHost: null });
      expect(await store.renewSourceLease({ lease: claim.lease, owner: 'spare:1:aa', now: T0 + 30_000, leaseMs: LEASE })).toBe(true);
      expect(await store.renewSourceLease({ lease: claim.lease, owner: 'spare:1:aa', now: T0, leaseMs: 1000 })).toBe(true);
      expect((await store.listSourceOwners())[0]?.leaseUntil).toBe(T0 + 30_000 + LEASE);
      expect(await store.releaseSource(claim.lease, T0 + 40_000)).toBe(true);
      expect(await store.listSourceOwners()).toEqual([expect.objectContaining({ sourceName: 'share', hostName: 'spare', leaseUntil: T0 + 40_000 })]);
      // Released: another standby may take it at once; a host with no standby flag registers it as its own.
      expect(await store.claimSource(claimOf('office', T0 + 40_001))).toMatchObject({ granted: true, record: { hostName: 'office', homeHost: 'office', asStandby: false } });
    });

    it('claims only jobs of the sources named, for uploads and entry jobs alike', async () => {
      const store = current();
      await queuedCreate(store, 'a.md', { sourceName: 'mine' });
      await queuedCreate(store, 'b.md', { sourceName: 'theirs', now: T0 - 1 });
      const upload = await store.claimUpload({ ...uploadClaimInput('w', T0 + 1), sourceNames: ['mine'] });
      expect(upload).toMatchObject({ ok: true, document: { sourceName: 'mine' } });
      // Only its own running job is left for 'mine': claimable when that lease runs out.
      expect(await store.claimUpload({ ...uploadClaimInput('w', T0 + 1), sourceNames: ['mine'] })).toMatchObject({ ok: false, reason: 'NO_JOB', nextJobAt: T0 + 1 + 5 * MINUTE });
      expect(await store.claimUpload({ ...uploadClaimInput('w', T0 + 1), sourceNames: [] })).toMatchObject({ ok: false, reason: 'NO_JOB', nextJobAt: null });
      expect(await store.claimNextJob('w', T0 + 1, LEASE, { sourceNames: ['nobody'] })).toBeNull();
      expect(await store.claimNextJob('w', T0 + 1, LEASE, { sourceNames: ['theirs'] })).toMatchObject({ document: { sourceName: 'theirs' } });
    });
  });

  describe('replica leases', () => {
    it('one host polls a replica; another takes the lease only once it expired', async () => {
      const store = current();
      const input = { replicaUUID: REPLICA_A, role: 'poll' as const, owner: 'a:1:aa', now: T0, leaseMs: LEASE };
      expect(await store.claimReplicaLease({ ...input, hostName: 'a' })).toEqual({ held: true, generation: 1 });
      expect(await store.claimReplicaLease({ ...input, hostName: 'a', now: T0 + 5 })).toEqual({ held: true, generation: 1 });
      expect(await store.claimReplicaLease({ ...input, hostName: 'b', now: T0 + 6 })).toEqual({ held: false, holder: 'a', until: T0 + 5 + LEASE });
      expect(await store.claimReplicaLease({ ...input, hostName: 'b', replicaUUID: REPLICA_B })).toEqual({ held: true, generation: 1 });
      expect(await store.claimReplicaLease({ ...input, hostName: 'b', now: T0 + 5 + LEASE })).toEqual({ held: true, generation: 2 });
      expect((await store.listReplicaLeases()).map((l) => [l.replicaUUID, l.hostName, l.generation])).toEqual([
        [REPLICA_A, 'b', 2],
        [REPLICA_B, 'b', 1],
      ]);
    });
  });

  describe('shared request window', () => {
    it('hands out at most `limit` permits in any window, across hosts, and says when the next frees', async () => {
      const store = current();
      const take = (hostName: string, want: number, now: number) =>
        store.takeRequestPermits({ scope: 'api', want, limit: 10, windowMs: MINUTE, now, hostName });
      expect(await take('a', 4, T0)).toEqual({ granted: 4, retryAt: null });
      expect(await take('b', 4, T0 + 10)).toEqual({ granted: 4, retryAt: null });
      expect(await take('c', 4, T0 + 20)).toEqual({ granted: 2, retryAt: null });
      expect(await take('a', 1, T0 + 30)).toEqual({ granted: 0, retryAt: T0 + MINUTE });
      expect(await take('a', 5, T0 + MINUTE)).toEqual({ granted: 4, retryAt: null });
      expect(await store.takeRequestPermits({ scope: 'other', want: 3, limit: 10, windowMs: MINUTE, now: T0 + 30, hostName: 'a' })).toEqual({ granted: 3, retryAt: null });
    });
  });
}
