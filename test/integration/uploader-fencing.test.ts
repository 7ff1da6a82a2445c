import { afterEach, describe, expect, it } from 'vitest';
import type { ProtocolStep } from '../../src/uploader/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { createWorld, liveEntries, type World } from '../support/uploader-world.js';

/**
 * Issue 8 §3 with the real runner, simulator and state file: a worker whose job is taken over
 * mid-protocol stops before its next API request and changes nothing in the store; the new holder
 * reconciles and finishes with exactly one complete entry.
 */
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const START = Date.UTC(2026, 0, 1, 0, 0, 0);
const LEASE_MS = 60_000;

describe('uploader: fencing', () => {
  it.each<ProtocolStep>(['create-answered', 'entry-recorded'])(
    'a lease taken over at %s stops the old worker before its next request; the new holder finishes',
    async (at) => {
      const clock = new FakeClock(START);
      world = await createWorld({ clock, files: 1 });
      const s = await world.openStore();
      await world.seed(s);
      const w = world;
      const api = w.client();
      let takenOverBy: number | null = null;
      const hooks = {
        async at(step: ProtocolStep, detail: { jobId: number }) {
          if (step !== at) return;
          // A dead-owner sweep (wrongly) expires the lease and another process takes the job.
          await s.expireLeases('old', clock.now());
          const claim = await s.claimUpload({ owner: 'thief', now: clock.now(), leaseMs: LEASE_MS, ...w.budget });
          if (claim.ok) takenOverBy = claim.job.leaseGeneration;
          expect(claim.ok && claim.job.id === detail.jobId).toBe(true);
        },
      };
      const requestsBefore = () => w.sim!.requests().length;

      const old = await w.runner(s, api, 'old', { leaseMs: LEASE_MS, hooks }).runUntilIdle();
      expect(takenOverBy).toBe(2);
      expect(old).toMatchObject({ uploaded: 0, failed: 0 });
      // The old worker sent nothing after the takeover: the create was its last request.
      expect(w.sim!.stats().uploads).toBe(0);
      expect(w.sim!.requests().filter((r) => r.method !== 'GET').map((r) => r.method)).toEqual(['POST']);
      const job = (await s.listJobs())[0]!;
      expect(job).toMatchObject({ state: 'running', owner: 'thief', leaseGeneration: 2 });
      const doc = (await s.listDocuments())[0]!;
      expect(doc).toMatchObject({ state: 'uploading', attempts: at === 'entry-recorded' ? 1 : 0 });

      // The thief dies too; the next process recovers the job, reconciles, and uploads once.
      const seen = requestsBefore();
      await s.expireLeases('thief', clock.now());
      const next = await w.runner(s, api, 'next', { leaseMs: LEASE_MS }).runUntilIdle();
      expect(next.uploaded).toBe(1);
      expect(w.sim!.requests().length).toBeGreaterThan(seen);
      const live = liveEntries(w.sim!);
      expect(live).toHaveLength(1);
      expect(live[0]!.upload).not.toBeNull();
      expect((await s.listDocuments())[0]).toMatchObject({ state: 'processing', entryId: live[0]!.id });
    },
  );
});
