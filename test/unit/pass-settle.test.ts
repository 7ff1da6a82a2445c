import { describe, expect, it } from 'vitest';
import { afterWait, holdYoung, settleByWaiting, settleDeadline, type Restat, type ToExamine } from '../../src/engine/pass-settle.js';
import type { FoundFile } from '../../src/watchers/index.js';
import { FakeClock } from '../support/fake-clock.js';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const SETTLE = 2000;

function file(relPath: string, mtimeMs: number, size = 10, read = true): ToExamine {
  const found: FoundFile = { source: 'docs', relPath, absPath: `/docs/${relPath}`, size, mtimeMs, changed: true, dev: 1, ino: 1 };
  return { found, discoveredAt: T0, read };
}

describe('settle window decisions', () => {
  it('the deadline is when the youngest file to read is as old as the window; old, unread and future files do not count', () => {
    const files = [file('old.md', T0 - 5000), file('young.md', T0 - 500), file('younger.md', T0 - 100), file('unread.md', T0 - 1, 10, false), file('future.md', T0 + 60_000)];
    expect(settleDeadline(files, T0, SETTLE)).toBe(T0 - 100 + SETTLE);
    expect(settleDeadline([file('old.md', T0 - 5000)], T0, SETTLE)).toBeNull();
  });

  it('a file with the stat it had at the scan has settled; another stat means still written; no stat means gone', () => {
    const { found } = file('a.md', T0 - 100, 10);
    expect(afterWait(found, { size: 10, mtimeMs: T0 - 100 })).toEqual({ kind: 'settled' });
    expect(afterWait(found, { size: 12, mtimeMs: T0 + 900 })).toEqual({ kind: 'changing', found: { ...found, size: 12, mtimeMs: T0 + 900 } });
    expect(afterWait(found, { size: 10, mtimeMs: T0 + 900 })).toMatchObject({ kind: 'changing' });
    expect(afterWait(found, null)).toEqual({ kind: 'gone' });
  });

  it('holdYoung (the daemon) leaves young files unread and says when the first settles', () => {
    const held = holdYoung([file('old.md', T0 - 5000), file('young.md', T0 - 500), file('younger.md', T0 - 100)], T0, SETTLE);
    expect(held.settling.map((f) => f.relPath)).toEqual(['young.md', 'younger.md']);
    expect(held.settlingUntil).toBe(T0 - 500 + SETTLE);
    expect(held.files.map((f) => f.read)).toEqual([true, false, false]);
  });
});

describe('settleByWaiting (one-shot runs)', () => {
  it('sleeps the rest of the window on the clock, then reads what stopped changing and holds what did not', async () => {
    const clock = new FakeClock(T0);
    const later: Record<string, Restat> = {
      '/docs/young.md': { size: 10, mtimeMs: T0 - 500 },
      '/docs/growing.md': { size: 40, mtimeMs: T0 + 1800 },
      '/docs/vanished.md': null,
    };
    const stated: string[] = [];
    const restat = (path: string) => {
      stated.push(path);
      return Promise.resolve(later[path] ?? null);
    };
    const files = [file('old.md', T0 - 5000), file('young.md', T0 - 500), file('growing.md', T0 - 100), file('vanished.md', T0 - 300)];
    const settled = settleByWaiting(files, { clock, settleMs: SETTLE, restat });

    await clock.advance(0);
    expect(clock.pendingSleeps).toBe(1);
    await clock.advance(SETTLE - 100);
    const held = await settled;
    expect(clock.now()).toBe(T0 - 100 + SETTLE);
    expect(stated.sort()).toEqual(['/docs/growing.md', '/docs/vanished.md', '/docs/young.md']);
    expect(held.files.map((f) => [f.found.relPath, f.read])).toEqual([
      ['old.md', true],
      ['young.md', true],
      ['growing.md', false],
      ['vanished.md', false],
    ]);
    expect(held.settling.map((f) => [f.relPath, f.size])).toEqual([['growing.md', 40]]);
    expect(held.settlingUntil).toBe(T0 + 1800 + SETTLE);
  });

  it('never sleeps longer than the window, and not at all when nothing is young', async () => {
    const clock = new FakeClock(T0, { autoAdvance: true });
    const restat = () => Promise.resolve<Restat>(null);
    await settleByWaiting([file('old.md', T0 - 5000)], { clock, settleMs: SETTLE, restat });
    expect(clock.now()).toBe(T0);
    await settleByWaiting([file('now.md', T0)], { clock, settleMs: SETTLE, restat });
    expect(clock.now()).toBe(T0 + SETTLE);
  });

  it('a stop signal during the wait holds the young files, as the daemon would', async () => {
    const clock = new FakeClock(T0);
    const controller = new AbortController();
    const settled = settleByWaiting([file('young.md', T0 - 500)], { clock, settleMs: SETTLE, signal: controller.signal });
    controller.abort();
    const held = await settled;
    expect(held.settling.map((f) => f.relPath)).toEqual(['young.md']);
    expect(held.files[0]?.read).toBe(false);
  });
});
