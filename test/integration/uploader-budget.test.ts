import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../support/fake-clock.js';
import { createWorld, HOUR, liveByTitle, liveEntries, type World } from '../support/uploader-world.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const START = Date.UTC(2026, 0, 1, 0, 0, 0);

function createsPerHour(w: World): number[] {
  const counts = [0, 0, 0, 0];
  for (const entry of w.sim!.entries()) counts[Math.floor((entry.createdAt - START) / HOUR)]! += 1;
  return counts;
}

describe('uploader: the hourly budget', () => {
  it('uploads 25 files at 10/hour as 10, 10, then 5, and never sleeps for the budget', async () => {
    const clock = new FakeClock(START);
    world = await createWorld({ clock, files: 25 });
    const store = await world.openStore();
    await world.seed(store);
    const api = world.client();
    const runner = world.runner(store, api, 'host:1:aaaaaa');

    const first = await runner.runUntilIdle();
    expect(first).toMatchObject({ uploaded: 10, stoppedBy: 'budget', nextWakeAt: START + HOUR });
    await clock.advance(HOUR);
    const second = await runner.runUntilIdle();
    expect(second).toMatchObject({ uploaded: 10, stoppedBy: 'budget' });
    await clock.advance(HOUR);
    const third = await runner.runUntilIdle();
    expect(third).toMatchObject({ uploaded: 5, stoppedBy: 'idle', nextWakeAt: null });

    expect(createsPerHour(world)).toEqual([10, 10, 5, 0]);
    expect(world.sim!.stats().throttledUploads).toBe(0);
    const live = liveByTitle(liveEntries(world.sim!));
    expect(live.size).toBe(25);
    for (const entries of live.values()) {
      expect(entries).toHaveLength(1);
      expect(entries[0]!.upload).not.toBeNull();
    }
    const states = await store.countDocumentsByState();
    expect(states.processing).toBe(25);
    await store.close();
  });

  it('keeps the ledger across a restart: a new runner in the same hour creates nothing', async () => {
    const clock = new FakeClock(START);
    world = await createWorld({ clock, files: 12 });
    const before = await world.openStore();
    await world.seed(before);
    await world.runner(before, world.client(), 'host:1:aaaaaa').runUntilIdle();
    await before.close();
    expect(world.sim!.stats().creates).toBe(10);

    await clock.advance(30 * 60_000);
    const after = await world.openStore();
    const summary = await world.runner(after, world.client(), 'host:2:bbbbbb').runUntilIdle();
    expect(summary).toMatchObject({ uploaded: 0, stoppedBy: 'budget', nextWakeAt: START + HOUR });
    expect(world.sim!.stats().creates).toBe(10);
    await clock.advance(30 * 60_000);
    expect((await world.runner(after, world.client(), 'host:2:bbbbbb').runUntilIdle()).uploaded).toBe(2);
    await after.close();
  });

  it('shares one budget between two runners on one state file', async () => {
    const clock = new FakeClock(START);
    world = await createWorld({ clock, files: 25 });
    const one = await world.openStore();
    const two = await world.openStore();
    await world.seed(one);
    const a = world.runner(one, world.client(), 'host-a:1:aaaaaa');
    const b = world.runner(two, world.client(), 'host-b:2:bbbbbb');

    for (let hour = 0; hour < 3; hour++) {
      const [ra, rb] = await Promise.all([a.runUntilIdle(), b.runUntilIdle()]);
      expect(ra.uploaded + rb.uploaded).toBe(hour < 2 ? 10 : 5);
      await clock.advance(HOUR);
    }
    expect(createsPerHour(world)).toEqual([10, 10, 5, 0]);
    expect(world.sim!.stats().throttledUploads).toBe(0);
    for (const entries of liveByTitle(liveEntries(world.sim!)).values()) expect(entries).toHaveLength(1);
    await one.close();
    await two.close();
  });
});
