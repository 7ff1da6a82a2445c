import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { reconcileReplica } from '../../src/uploader/index.js';
import { readUnadopted } from '../../src/uploader/unadopted.js';
import { FakeClock } from '../support/fake-clock.js';
import { createWorld, fileName, liveEntries, REPLICA, silentLog, type World } from '../support/uploader-world.js';

let world: World | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await world?.close();
  world = undefined;
  store = undefined;
});

const START = Date.UTC(2026, 0, 1, 0, 0, 0);

/** Three documents uploaded and marked ready, on a simulator whose clock is `clockOffsetMs` off. */
async function syncedWorld(clockOffsetMs: number) {
  const clock = new FakeClock(START);
  world = await createWorld({ clock, files: 3, sim: { clockOffsetMs } });
  store = await world.openStore();
  await world.seed(store);
  const api = world.client();
  await world.runner(store, api, 'host:1:aaaaaa').runUntilIdle();
  for (const doc of await store.listDocuments()) await store.markReady(doc.id, doc.entryId!, clock.now());
  return { clock, w: world, s: store, api, deps: { clock, store, api, log: silentLog, sources: [world.source] } };
}

describe('drift: the count, then one listing only when it differs', () => {
  it.each([-15 * 60_000, 15 * 60_000])('server clock %i ms off: an entry deleted in Sensay is uploaded again, an unknown one recorded and left alone', async (offset) => {
    const { clock, w, s, api, deps } = await syncedWorld(offset);
    const requests = () => w.sim!.requests().length;

    let at = requests();
    expect((await reconcileReplica(deps, REPLICA)).report).toMatchObject({ listed: 0, requeued: 0, unknown: 0 });
    expect(requests() - at).toBe(1);

    const [first] = await s.listDocuments();
    await api.deleteEntry(REPLICA, first!.entryId!);
    // Two entries of someone else's (one deleted and one added alone would cancel out in the count).
    const foreign = await api.createEntry(REPLICA, { title: 'someone-elses.txt', text: 'not ours' });
    const other = await api.createEntry(REPLICA, { title: 'another.txt', text: 'not ours either' });
    await clock.advance(1000);
    const { report } = await reconcileReplica(deps, REPLICA);
    expect(report).toMatchObject({ listed: 1, requeued: 1, unknown: 2, deletedOrphans: 0 });
    expect((await s.getDocument(first!.id))?.state).toBe('queued');
    expect(await readUnadopted(s, REPLICA)).toEqual([
      { replicaUUID: REPLICA, id: foreign.ok ? foreign.knowledgeBaseID : -1, title: 'someone-elses.txt', why: 'no-document' },
      { replicaUUID: REPLICA, id: other.ok ? other.knowledgeBaseID : -1, title: 'another.txt', why: 'no-document' },
    ]);

    // Uploaded again within the budget; afterwards the count matches again (the foreign entry is expected).
    expect((await w.runner(s, api, 'host:1:aaaaaa').runUntilIdle()).uploaded).toBe(1);
    expect(liveEntries(w.sim!).filter((e) => e.title === fileName(0))).toHaveLength(1);
    at = requests();
    expect((await reconcileReplica(deps, REPLICA)).report).toMatchObject({ listed: 0 });
    expect(requests() - at).toBe(1);
    expect(liveEntries(w.sim!).some((e) => e.title === 'someone-elses.txt')).toBe(true);
  });

  it('a wrong secret fails at the count, before anything else', async () => {
    const { w, deps } = await syncedWorld(0);
    const { createSensayClient } = await import('../../src/sensay/client.js');
    const wrong = createSensayClient({ baseUrl: w.sim!.url, apiVersion: '2025-03-25', secret: 'wrong', requestsPerMinute: 1000, clock: deps.clock, log: silentLog, maxAttempts: 1 });
    await expect(reconcileReplica({ ...deps, api: wrong }, REPLICA)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await wrong.close();
  });
});
