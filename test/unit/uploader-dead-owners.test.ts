import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/store/store.js';
import { expireDeadLocalLeases, isDeadOnThisHost } from '../../src/uploader/dead-owners.js';
import { leaseOwnerId, ownerIdentity } from '../../src/uploader/owner-id.js';
import { currentProcessIdentity, processStartTime, startTimeFromStat, type ProcessIdentity } from '../../src/uploader/process-identity.js';

const ME: ProcessIdentity = { bootId: 'boot-1', pidNamespace: '4026531836', pid: 10, startTime: '5000' };
const owner = (identity: Partial<ProcessIdentity>, host = 'shared-name') => leaseOwnerId({ ...ME, ...identity }, host);

function fakeStore(owners: (string | null)[]) {
  const expired: string[] = [];
  return {
    expired,
    store: {
      listJobs: async () => owners.map((o) => ({ owner: o }) as JobRecord),
      expireLeases: async (o: string) => {
        expired.push(o);
        return 1;
      },
    },
  };
}

describe('owner ids carry the process identity', () => {
  it('round-trips boot id, pid namespace, pid and start time; ids without them carry none', () => {
    const id = owner({ pid: 4242, startTime: '777' }, 'host:with:colons');
    expect(id).toMatch(/^host:with:colons:4242:[0-9a-f]{6};boot=boot-1;pidns=4026531836;start=777$/);
    expect(ownerIdentity(id)).toEqual({ bootId: 'boot-1', pidNamespace: '4026531836', pid: 4242, startTime: '777' });
    expect(ownerIdentity('build-01:4242:a1b2c3')).toBeNull();
    expect(ownerIdentity(owner({ bootId: null }))).toBeNull();
    expect(ownerIdentity('garbage')).toBeNull();
  });

  it('reads field 22 of /proc/<pid>/stat, whatever the command name holds', () => {
    const rest = Array.from({ length: 30 }, (_, i) => String(i + 3)).join(' ');
    expect(startTimeFromStat(`123 (node) ${rest}`)).toBe('22');
    expect(startTimeFromStat(`123 (a) b (c) ${rest}`)).toBe('22');
    expect(startTimeFromStat('123 (short) S 1')).toBeNull();
  });

  it('reads this process identity from /proc on Linux', () => {
    const self = currentProcessIdentity();
    expect(self.pid).toBe(process.pid);
    if (process.platform !== 'linux') return;
    expect(self.bootId).toMatch(/^[0-9a-f-]{36}$/);
    expect(self.pidNamespace).toMatch(/^\d+$/);
    expect(self.startTime).toMatch(/^\d+$/);
    expect(processStartTime(process.pid)).toBe(self.startTime);
    expect(processStartTime(2 ** 30)).toBeNull();
  });
});

describe('isDeadOnThisHost', () => {
  const running = new Map([[10, '5000'], [20, '6000']]);
  const startTimeOf = (pid: number) => running.get(pid) ?? null;

  it('is dead only in our boot and pid namespace, when that pid with that start time is gone', () => {
    expect(isDeadOnThisHost(owner({ pid: 30 }), ME, startTimeOf)).toBe(true);
    // The pid was reused by another process: the owner is gone.
    expect(isDeadOnThisHost(owner({ pid: 20, startTime: '5999' }), ME, startTimeOf)).toBe(true);
    expect(isDeadOnThisHost(owner({ pid: 20, startTime: '6000' }), ME, startTimeOf)).toBe(false);
  });

  it('never judges a process of another container, another boot, or without identity', () => {
    // Same hostname, same pid, but another pid namespace (a container sharing the host name).
    expect(isDeadOnThisHost(owner({ pid: 30, pidNamespace: '4026532999' }), ME, startTimeOf)).toBe(false);
    expect(isDeadOnThisHost(owner({ pid: 30, bootId: 'boot-0' }), ME, startTimeOf)).toBe(false);
    expect(isDeadOnThisHost('shared-name:30:abcdef', ME, startTimeOf)).toBe(false);
    expect(isDeadOnThisHost(owner({ pid: 30 }), { ...ME, bootId: null }, startTimeOf)).toBe(false);
  });
});

describe('expireDeadLocalLeases', () => {
  it('recovers the leases of dead local processes at once and leaves the living and the others alone', async () => {
    const dead = owner({ pid: 30 });
    const alive = owner({ pid: 20, startTime: '6000' });
    const container = owner({ pid: 30, pidNamespace: '999' });
    const { store, expired } = fakeStore([dead, dead, alive, container, 'remote:30:cccccc', null]);
    const result = await expireDeadLocalLeases({ store, now: 1, self: ME, startTimeOf: (pid) => (pid === 20 ? '6000' : null) });
    expect(result).toEqual([dead]);
    expect(expired).toEqual([dead]);
  });

  it('treats this very process as alive', async () => {
    const { store, expired } = fakeStore([leaseOwnerId()]);
    expect(await expireDeadLocalLeases({ store, now: 1 })).toEqual([]);
    expect(expired).toEqual([]);
  });
});
