import { describe, expect, it } from 'vitest';
import { expireDeadLocalLeases, localPid } from '../../src/uploader/dead-owners.js';
import type { JobRecord } from '../../src/store/store.js';

function job(owner: string | null): JobRecord {
  return { owner } as JobRecord;
}

function fakeStore(owners: (string | null)[]) {
  const expired: string[] = [];
  return {
    expired,
    store: {
      listJobs: async () => owners.map(job),
      expireLeases: async (owner: string) => {
        expired.push(owner);
        return 1;
      },
    },
  };
}

describe('localPid', () => {
  it('reads the pid of an owner on this host only', () => {
    expect(localPid('build-01:4242:a1b2c3', 'build-01')).toBe(4242);
    expect(localPid('other-host:4242:a1b2c3', 'build-01')).toBeNull();
    expect(localPid('host:with:colons:77:ffffff', 'host:with:colons')).toBe(77);
    expect(localPid('garbage', 'build-01')).toBeNull();
    expect(localPid('build-01:notapid:a1b2c3', 'build-01')).toBeNull();
  });
});

describe('expireDeadLocalLeases', () => {
  it('recovers the leases of dead local processes at once and leaves the living and the remote alone', async () => {
    const { store, expired } = fakeStore(['h:100:aaaaaa', 'h:100:aaaaaa', 'h:200:bbbbbb', 'remote:300:cccccc', null]);
    const dead = await expireDeadLocalLeases({ store, now: 1, hostname: 'h', isAlive: (pid) => pid === 200 });
    expect(dead).toEqual(['h:100:aaaaaa']);
    expect(expired).toEqual(['h:100:aaaaaa']);
  });

  it('treats this very process as alive', async () => {
    const self = `h:${process.pid}:abcdef`;
    const { store, expired } = fakeStore([self]);
    expect(await expireDeadLocalLeases({ store, now: 1, hostname: 'h' })).toEqual([]);
    expect(expired).toEqual([]);
  });
});
