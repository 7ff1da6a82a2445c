import { copyFile, lstat, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { createWorld, fileName, liveEntries, type World } from '../support/uploader-world.js';

let world: World | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await world?.close();
  world = undefined;
  store = undefined;
});

/** A world of one queued file whose recorded version carries the scan's device and inode. */
async function setUp(): Promise<{ w: World; s: Store; path: string; outside: string }> {
  world = await createWorld({ clock: new FakeClock(Date.UTC(2026, 0, 1)), files: 1 });
  store = await world.openStore();
  await world.seed(store);
  const path = join(world.sourceDir, fileName(0));
  const scanned = await lstat(path);
  const [doc] = await store.listDocuments();
  await store.refreshStat(doc!.id, { size: scanned.size, mtimeMs: 1, dev: scanned.dev, ino: scanned.ino }, world.clock.now());
  // Outside the source, with the very same bytes: only the identity checks can tell.
  const outside = join(world.dir, 'outside.txt');
  await copyFile(path, outside);
  return { w: world, s: store, path, outside };
}

async function swapForLink(path: string, target: string): Promise<void> {
  await rm(path);
  await symlink(target, path);
}

describe('uploader: no symlink races', () => {
  it('a file swapped for a link after the scan is never read for the PUT: no bytes sent, entry deleted, job released UNSTABLE', async () => {
    const { w, s, path, outside } = await setUp();
    const runner = w.runner(s, w.client(), 'host:1:aaaaaa', {
      hooks: { at: async (step) => { if (step === 'entry-recorded') await swapForLink(path, outside); } },
    });
    expect(await runner.runUntilIdle()).toMatchObject({ uploaded: 0, released: 1 });
    expect(w.sim!.stats().uploads).toBe(0);
    expect(liveEntries(w.sim!)).toHaveLength(0);
    const [job] = await s.listJobs();
    expect(job?.lastError?.message ?? '').toMatch(/^UNSTABLE: the file was replaced by a symbolic link/);
    const [doc] = await s.listDocuments();
    expect(doc).toMatchObject({ state: 'queued', entryId: null });
  });

  it('another file renamed into place (same bytes, other inode) is not uploaded either', async () => {
    const { w, s, path, outside } = await setUp();
    const runner = w.runner(s, w.client(), 'host:1:aaaaaa', {
      hooks: { at: async (step) => { if (step === 'entry-recorded') await rename(outside, path); } },
    });
    expect(await runner.runUntilIdle()).toMatchObject({ uploaded: 0, released: 1 });
    expect(w.sim!.stats().uploads).toBe(0);
    expect(liveEntries(w.sim!)).toHaveLength(0);
  });

  it('a link found before the create spends no create at all', async () => {
    const { w, s, path, outside } = await setUp();
    await swapForLink(path, outside);
    expect(await w.runner(s, w.client(), 'host:1:aaaaaa').runUntilIdle()).toMatchObject({ uploaded: 0, released: 1 });
    expect(w.sim!.entries()).toHaveLength(0);
  });

  it('the unswapped file uploads from the checked descriptor', async () => {
    const { w, s } = await setUp();
    expect(await w.runner(s, w.client(), 'host:1:aaaaaa').runUntilIdle()).toMatchObject({ uploaded: 1 });
    expect(w.sim!.stats().uploads).toBe(1);
  });
});

describe('uploader: a file rewritten in place keeps its inode', () => {
  it('is still refused when its bytes differ from the extracted version', async () => {
    const { w, s, path } = await setUp();
    const runner = w.runner(s, w.client(), 'host:1:aaaaaa', {
      hooks: { at: async (step) => { if (step === 'entry-recorded') await writeFile(path, 'x'.repeat((await lstat(path)).size)); } },
    });
    expect(await runner.runUntilIdle()).toMatchObject({ uploaded: 0, released: 1 });
    expect(w.sim!.stats().uploads).toBe(0);
  });
});
