import { afterEach, describe, expect, it } from 'vitest';
import type { ProtocolHooks } from '../../src/uploader/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { busiestWindow } from '../support/sliding-window.js';
import { createWorld, HOUR, liveByTitle, liveEntries, type World } from '../support/uploader-world.js';

/**
 * Soak seed 394378307 at the uploader's level: a create cut short while the hour's budget is
 * spent. The next run must take the cut-short job over and reconcile it (its create may have
 * reached Sensay) without a slot, and create again only with one: never more than
 * `uploadsPerHour` creates in a sliding hour.
 */
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const START = Date.UTC(2026, 0, 1, 0, 0, 0);
const LEASE_MS = 5 * 60_000;

/** Stands in for a SIGKILL once the create answered: the job is left running under its lease. */
const dieAfterCreate: ProtocolHooks = {
  at(step) {
    if (step === 'create-answered') throw new Error('killed after the create answered');
  },
};

/** The most creates in any sliding hour, on the simulator's record. */
const maxCreatesInAnHour = (w: World) => busiestWindow(w.sim!.entries().map((e) => e.createdAt), HOUR);

async function cutShortWithBudgetSpent(mode: 'file' | 'text') {
  const clock = new FakeClock(START);
  world = await createWorld({ clock, files: 3, mode, uploadsPerHour: 1 });
  const store = await world.openStore();
  await world.seed(store);
  const dead = await world.runner(store, world.client(), 'dead:1:aaaaaa', { hooks: dieAfterCreate, leaseMs: LEASE_MS }).runUntilIdle();
  expect(dead.stoppedBy).toBe('budget');
  expect(world.sim!.stats().creates).toBe(1);
  // The two other documents queued before the dead job's lease ran out: they come first in claim order.
  await clock.advance(LEASE_MS + 1);
  return { clock, w: world, s: store };
}

describe('uploader: a cut-short create while the budget is spent', () => {
  it('file mode: the half-made entry is deleted at once, and the create waits for a slot', async () => {
    const { clock, w, s } = await cutShortWithBudgetSpent('file');
    const [cutShort] = await s.listDocuments({ states: ['uploading'] });
    const run = await w.runner(s, w.client(), 'alive:2:bbbbbb').runUntilIdle();

    expect(run).toMatchObject({ uploaded: 0, released: 1, stoppedBy: 'budget', nextWakeAt: START + HOUR });
    expect(liveEntries(w.sim!)).toEqual([]);
    expect(w.sim!.stats().creates).toBe(1);
    expect(await s.getDocument(cutShort!.id)).toMatchObject({ state: 'queued', entryId: null });

    for (let hour = 0; hour < 5 && (await s.listJobs({ states: ['queued', 'running'] })).length > 0; hour++) {
      await clock.advance(HOUR);
      await w.runner(s, w.client(), 'alive:2:bbbbbb').runUntilIdle();
    }
    expect(w.sim!.stats().creates).toBe(4);
    expect(maxCreatesInAnHour(w)).toBe(1);
    const live = liveByTitle(liveEntries(w.sim!));
    expect(live.size).toBe(3);
    for (const entries of live.values()) expect(entries).toHaveLength(1);
  });

  it('text mode: the entry the cut-short create made is adopted, spending no slot', async () => {
    const { w, s } = await cutShortWithBudgetSpent('text');
    const [cutShort] = await s.listDocuments({ states: ['uploading'] });
    const run = await w.runner(s, w.client(), 'alive:2:bbbbbb').runUntilIdle();

    expect(run).toMatchObject({ adopted: 1, uploaded: 0, stoppedBy: 'budget' });
    expect(w.sim!.stats().creates).toBe(1);
    const [entry] = liveEntries(w.sim!);
    expect(await s.getDocument(cutShort!.id)).toMatchObject({ state: 'processing', entryId: entry!.id });
    expect((await s.budgetStatus(w.budget.scope, 1, HOUR, START + LEASE_MS + 1)).used).toBe(1);
  });

  it('under a 429 block: reconciled at once, created again only once the block ends and a slot is free', async () => {
    const { clock, w, s } = await cutShortWithBudgetSpent('file');
    await s.setBlockedUntil(w.budget.scope, START + 2 * HOUR, 'HTTP 429 throttle');
    const [cutShort] = await s.listDocuments({ states: ['uploading'] });
    const run = await w.runner(s, w.client(), 'alive:2:bbbbbb').runUntilIdle();

    expect(run).toMatchObject({ uploaded: 0, released: 1, stoppedBy: 'blocked', nextWakeAt: START + 2 * HOUR });
    expect(liveEntries(w.sim!)).toEqual([]);
    expect(w.sim!.stats().creates).toBe(1);
    expect(await s.getDocument(cutShort!.id)).toMatchObject({ state: 'queued', nextAttemptAt: START + 2 * HOUR });

    await clock.advance(START + 2 * HOUR - 1 - clock.now());
    expect(await w.runner(s, w.client(), 'alive:2:bbbbbb').runUntilIdle()).toMatchObject({ uploaded: 0, stoppedBy: 'blocked' });
    expect(w.sim!.stats().creates).toBe(1);
    await clock.advance(1);
    expect(await w.runner(s, w.client(), 'alive:2:bbbbbb').runUntilIdle()).toMatchObject({ uploaded: 1, stoppedBy: 'budget' });
    expect(maxCreatesInAnHour(w)).toBe(1);
  });
});
