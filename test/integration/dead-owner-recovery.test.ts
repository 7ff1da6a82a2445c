import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { expireDeadLocalLeases } from '../../src/uploader/dead-owners.js';
import { leaseOwnerId } from '../../src/uploader/owner-id.js';
import { currentProcessIdentity, processStartTime } from '../../src/uploader/process-identity.js';

const T0 = Date.UTC(2026, 0, 1);
let dir: string | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  store = dir = undefined;
});

describe.runIf(process.platform === 'linux')('dead owners on this host (real processes, real /proc)', () => {
  it('recovers the lease of a killed process at once, and leaves a living one alone', async () => {
    dir = await mkdtemp(join(tmpdir(), 'dead-owner-'));
    store = await openSqliteStore({ path: join(dir, 'state.db') });
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const pid = child.pid!;
    const self = currentProcessIdentity();
    const childOwner = leaseOwnerId({ ...self, pid, startTime: processStartTime(pid) });
    const liveOwner = leaseOwnerId();

    for (const [relPath, owner] of [['a.md', childOwner], ['b.md', liveOwner]] as const) {
      const { document } = await store.upsertScanned({ sourceName: 'docs', relPath, replicaUUID: 'r', size: 1, mtimeMs: 1 }, T0);
      await store.enqueueJob({ documentId: document.id, kind: 'delete', now: T0 });
      await store.claimNextJob(owner, T0, 60 * 60_000);
    }
    expect(await expireDeadLocalLeases({ store, now: T0 + 1 })).toEqual([]);

    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(await expireDeadLocalLeases({ store, now: T0 + 2 })).toEqual([childOwner]);
    const recovered = await store.claimNextJob('next', T0 + 2, 60_000);
    expect(recovered?.recovered?.previousOwner).toBe(childOwner);
    expect(await store.claimNextJob('next', T0 + 2, 60_000)).toBeNull();
  });
});
