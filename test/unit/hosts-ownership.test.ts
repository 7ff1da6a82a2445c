import { describe, expect, it } from 'vitest';
import { deferToLiveHolder, refusalIssues, sortClaims } from '../../src/hosts/ownership-round.js';
import { decidePermits, decideReplicaLease, decideSourceClaim } from '../../src/store/source-ownership.js';
import type { SourceOwnerRecord } from '../../src/store/store.js';
import { leaseOwnerId } from '../../src/uploader/owner-id.js';

const NOW = 1_000_000;

function row(overrides: Partial<SourceOwnerRecord> = {}): SourceOwnerRecord {
  return { sourceName: 'share', hostName: 'a', homeHost: 'a', asStandby: false, owner: 'a:1:x', leaseUntil: NOW + 1, generation: 4, claimedAt: 0, ...overrides };
}

describe('decideSourceClaim', () => {
  it('registers an unowned source to its first host; a standby registers it without making it its home', () => {
    expect(decideSourceClaim(null, { hostName: 'a', standby: false }, NOW)).toEqual({ action: 'insert', asStandby: false, homeHost: 'a' });
    expect(decideSourceClaim(null, { hostName: 'b', standby: true }, NOW)).toEqual({ action: 'insert', asStandby: true, homeHost: null });
  });

  it('renews for the holding host, whichever of its processes asks, even after its lease ran out', () => {
    expect(decideSourceClaim(row({ leaseUntil: NOW - 99 }), { hostName: 'a', standby: false }, NOW)).toEqual({ action: 'renew', asStandby: false, homeHost: 'a' });
  });

  it('a holder that held it as standby and drops the flag makes the source its own (moving a source for good)', () => {
    const held = row({ hostName: 'b', asStandby: true, homeHost: 'a' });
    expect(decideSourceClaim(held, { hostName: 'b', standby: true }, NOW)).toEqual({ action: 'renew', asStandby: true, homeHost: 'a' });
    expect(decideSourceClaim(held, { hostName: 'b', standby: false }, NOW)).toEqual({ action: 'renew', asStandby: false, homeHost: 'b' });
  });

  it('never hands a registered source to another non-standby host, live or not', () => {
    expect(decideSourceClaim(row(), { hostName: 'c', standby: false }, NOW)).toEqual({ action: 'refuse', reason: 'OWNED' });
    expect(decideSourceClaim(row({ leaseUntil: 0 }), { hostName: 'c', standby: false }, NOW)).toEqual({ action: 'refuse', reason: 'OWNED' });
    // A standby holds it for host a: a third host c is still refused.
    expect(decideSourceClaim(row({ hostName: 'b', asStandby: true }), { hostName: 'c', standby: false }, NOW)).toEqual({ action: 'refuse', reason: 'OWNED' });
  });

  it('a standby waits for the lease to run out, then takes over keeping the home host', () => {
    expect(decideSourceClaim(row({ leaseUntil: NOW + 1 }), { hostName: 'b', standby: true }, NOW)).toEqual({ action: 'refuse', reason: 'STANDBY_WAITING' });
    expect(decideSourceClaim(row({ leaseUntil: NOW }), { hostName: 'b', standby: true }, NOW)).toEqual({
      action: 'take',
      asStandby: true,
      homeHost: 'a',
      takeover: { fromHost: 'a', reason: 'EXPIRED' },
    });
  });

  it('the home host reclaims from a standby at once, lease or not; so does the first non-standby host of a standby-registered source', () => {
    const expected = (home: string, from: string) => ({ action: 'take', asStandby: false, homeHost: home, takeover: { fromHost: from, reason: 'RECLAIMED' } });
    expect(decideSourceClaim(row({ hostName: 'b', asStandby: true, leaseUntil: NOW + 9 }), { hostName: 'a', standby: false }, NOW)).toEqual(expected('a', 'b'));
    expect(decideSourceClaim(row({ hostName: 'b', asStandby: true, homeHost: null }), { hostName: 'c', standby: false }, NOW)).toEqual(expected('c', 'b'));
  });
});

describe('decideReplicaLease', () => {
  it('renews for the holder, refuses others while it runs, hands over once expired', () => {
    expect(decideReplicaLease(null, 'a', NOW)).toBe('insert');
    expect(decideReplicaLease({ hostName: 'a', leaseUntil: 0 }, 'a', NOW)).toBe('renew');
    expect(decideReplicaLease({ hostName: 'a', leaseUntil: NOW + 1 }, 'b', NOW)).toBe('refuse');
    expect(decideReplicaLease({ hostName: 'a', leaseUntil: NOW }, 'b', NOW)).toBe('take');
  });
});

describe('decidePermits', () => {
  const input = { want: 5, limit: 10, windowMs: 60_000, now: NOW };
  it('grants what is left of the window, never more than wanted', () => {
    expect(decidePermits([], input)).toEqual({ granted: 5, retryAt: null });
    expect(decidePermits([{ takenAt: NOW - 10, count: 7 }], input)).toEqual({ granted: 3, retryAt: null });
    // Batches older than the window no longer count.
    expect(decidePermits([{ takenAt: NOW - 60_000, count: 10 }], input)).toEqual({ granted: 5, retryAt: null });
  });
  it('with nothing left, says when the oldest batch frees a permit', () => {
    const batches = [{ takenAt: NOW - 5, count: 4 }, { takenAt: NOW - 50, count: 6 }];
    expect(decidePermits(batches, input)).toEqual({ granted: 0, retryAt: NOW - 50 + 60_000 });
  });
  it('refuses a request for no permits', () => {
    expect(() => decidePermits([], { ...input, want: 0 })).toThrow(/`want`/);
  });
});

describe('ownership rounds', () => {
  const wish = (name: string, index: number, standby = false) => ({ name, index, standby });
  it('sorts claims into granted, waiting (standby) and refused, and names the key and the fix for each refusal', () => {
    const holder = row({ hostName: 'office-1', homeHost: 'office-1' });
    const round = sortClaims([
      { source: wish('mine', 0), claim: { granted: true, lease: { sourceName: 'mine', hostName: 'me', generation: 1 }, record: row(), takenOver: null } },
      { source: wish('spare', 1, true), claim: { granted: false, reason: 'STANDBY_WAITING', holder } },
      { source: wish('share', 2), claim: { granted: false, reason: 'OWNED', holder } },
    ]);
    expect(round.granted.map((g) => g.source.name)).toEqual(['mine']);
    expect(round.waiting.map((g) => g.source.name)).toEqual(['spare']);
    expect(refusalIssues(round.refused, 'me')).toEqual([
      'sources[2] "share": owned by host "office-1", and this host is "me". Only the owner scans, plans and deletes a source: ' +
        'remove it from this host\'s config, or set sources[2].standby: true to take it over while "office-1" is down',
    ]);
  });

  it('defers to a holder whose process still runs on this machine; a dead one or one elsewhere is judged by its lease', () => {
    const self = { bootId: 'boot-1', pidNamespace: '4026531836', pid: 10, startTime: '100' };
    const holder = row({ owner: leaseOwnerId({ ...self, pid: 77, startTime: '555' }, 'a') });
    expect(deferToLiveHolder(holder, self, (pid) => (pid === 77 ? '555' : null))).toBe(true);
    expect(deferToLiveHolder(holder, self, () => null)).toBe(false);
    expect(deferToLiveHolder(holder, self, () => '556')).toBe(false);
    expect(deferToLiveHolder(holder, { ...self, bootId: 'boot-2' }, () => '555')).toBe(false);
  });
});

describe('organisationView', () => {
  it('counts every host\'s documents by source and names the holder, the standby and who is running', async () => {
    const { organisationView } = await import('../../src/hosts/host-view.js');
    const { createDaemonMetrics } = await import('../../src/daemon/metrics.js');
    const view = organisationView(
      [
        { sourceName: 'share', state: 'ready' },
        { sourceName: 'share', state: 'queued' },
        { sourceName: 'a', state: 'ready' },
        { sourceName: 'removed', state: 'ready' },
      ],
      [row({ sourceName: 'a', hostName: 'office', homeHost: 'office', leaseUntil: NOW - 1 }), row({ sourceName: 'share', hostName: 'spare', homeHost: 'primary', asStandby: true })],
      [{ name: 'spare', id: 'id-s', firstSeenAt: 0, lastSeenAt: NOW, lastOwner: 'spare:1:x' }],
      NOW,
    );
    expect(view.bySource.map((s) => [s.source, s.host, s.homeHost, s.asStandby, s.live, s.documents.ready, s.documents.queued])).toEqual([
      ['a', 'office', null, false, false, 1, 0],
      ['removed', null, null, false, false, 1, 0],
      ['share', 'spare', 'primary', true, true, 1, 1],
    ]);
    expect(view.hosts).toEqual([{ name: 'spare', id: 'id-s', lastSeenAt: NOW, sources: ['share'] }]);

    const metrics = createDaemonMetrics({ processMetrics: false });
    const summary = { documents: Object.fromEntries(Object.keys(view.bySource[0]?.documents ?? {}).map((s) => [s, 0])), budget: { remaining: 1, limit: 1 }, queuedUploads: 0 };
    const text = await metrics.render(summary as never, view);
    expect(text).toContain('sensay_ingest_source_documents{source="share",host="spare",state="queued"} 1');
    expect(text).toContain('sensay_ingest_source_documents{source="removed",host="",state="ready"} 1');
  });
});
