import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PERMIT_HOLD_MS, REQUEST_WINDOW_MS, sharedRequestLimiter } from '../../src/hosts/request-permits.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { busiestWindow } from '../support/sliding-window.js';
import { silentLog } from '../support/uploader-world.js';

describe('requestsPerMinute shared by hosts through the store', () => {
  let dir: string;
  let store: SqliteStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sensay-permits-'));
    store = await openSqliteStore({ path: join(dir, 'state.db') });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('three hosts sending as fast as they can stay under the limit in every sliding minute, and all get through', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const limit = 20;
    const starts: number[] = [];
    const hosts = ['a', 'b', 'c'].map((hostName) => sharedRequestLimiter({ store, clock, log: silentLog, scope: 'https://api.example', requestsPerMinute: limit, hostName }));
    let done = false;
    const sending = Promise.all(
      hosts.map(async (limiter, i) => {
        for (let n = 0; n < 30; n++) {
          await limiter.acquire();
          starts.push(clock.now());
          // Requests take a while; the hosts interleave.
          await clock.sleep(200 * (i + 1));
        }
      }),
    ).finally(() => (done = true));
    // Time moves in small steps, with the store's answers settling in between.
    while (!done) {
      await clock.advance(50);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await sending;
    expect(starts).toHaveLength(90);
    expect(busiestWindow(starts, REQUEST_WINDOW_MS)).toBeLessThanOrEqual(limit);
    // Not needlessly slow either: 90 requests at 20 per minute (plus the hold) take under six minutes.
    expect(Math.max(...starts) - Math.min(...starts)).toBeLessThan(6 * (REQUEST_WINDOW_MS + PERMIT_HOLD_MS));
  });
});
