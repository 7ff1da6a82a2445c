import { describe, expect, it } from 'vitest';
import { holderOf, totalsByHost } from '../../src/console/host-totals.js';
import { DOCUMENT_STATES } from '../../src/store/index.js';
import type { DocumentState, SourceOwnerRecord } from '../../src/store/store.js';

const NOW = 1_000_000;

function owner(sourceName: string, hostName: string, extra: Partial<SourceOwnerRecord> = {}): SourceOwnerRecord {
  return { sourceName, hostName, homeHost: hostName, asStandby: false, owner: `${hostName}:1`, leaseUntil: NOW + 60_000, generation: 1, claimedAt: 0, ...extra };
}

function counts(partial: Partial<Record<DocumentState, number>>): Record<DocumentState, number> {
  return { ...(Object.fromEntries(DOCUMENT_STATES.map((s) => [s, 0])) as Record<DocumentState, number>), ...partial };
}

describe('console: totals per host', () => {
  it('sums each host\'s sources, marks a host whose leases all expired as not running, sorted by name', () => {
    const owners = [owner('b-docs', 'berlin'), owner('a-docs', 'berlin'), owner('share', 'paris', { leaseUntil: NOW - 1 })];
    const bySource = new Map([
      ['a-docs', counts({ ready: 2, queued: 1 })],
      ['b-docs', counts({ ready: 3, failed: 1 })],
      ['share', counts({ ready: 7 })],
    ]);
    const hosts = totalsByHost(owners, bySource, NOW);
    expect(hosts.map((h) => [h.name, h.live, h.sources])).toEqual([
      ['berlin', true, ['a-docs', 'b-docs']],
      ['paris', false, ['share']],
    ]);
    expect(hosts[0]?.totals).toMatchObject({ ready: 5, queued: 1, failed: 1 });
    expect(hosts[1]?.totals).toMatchObject({ ready: 7, queued: 0 });
  });

  it('names a standby holder and the host it stands in for; no owner: no holder', () => {
    expect(holderOf(owner('share', 'standby-host', { asStandby: true, homeHost: 'primary' }), NOW)).toEqual({ host: 'standby-host', standbyFor: 'primary', live: true });
    expect(holderOf(undefined, NOW)).toEqual({ host: null, standbyFor: null, live: false });
  });
});
