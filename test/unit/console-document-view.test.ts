import { describe, expect, it } from 'vitest';
import { accessPolicy, hostName } from '../../src/console/access-policy.js';
import { conditionOf, type ConditionContext } from '../../src/console/document-view.js';
import type { DocumentRecord } from '../../src/store/store.js';

const NOW = Date.UTC(2026, 0, 1, 9);
const REPLICA = '3f1c7d8e-0000-4000-8000-00000000000a';

function doc(over: Partial<DocumentRecord>): DocumentRecord {
  return {
    id: 1, sourceName: 'docs', relPath: 'a.md', replicaUUID: REPLICA, kind: 'md', size: 1, mtimeMs: 0, sha256: null, textHash: null,
    state: 'queued', entryId: null, previousEntryId: null, attempts: 0, lastError: null, rejectReason: null, rejectDetail: null,
    duplicateOf: null, warnings: [], discoveredAt: NOW, updatedAt: NOW, stateSince: NOW, nextAttemptAt: null, ...over,
  };
}

const ctx = (over: Partial<ConditionContext> = {}): ConditionContext => ({
  now: NOW, pausedSources: new Set(), pausedReplicas: new Set(), blockedUntil: null, budgetFull: false, ...over,
});

describe('what a document waits for, as the console tells it', () => {
  it('tells waiting for the budget, a 429, a quota pause, a paused source, a retry and a failure apart', () => {
    expect(conditionOf(doc({}), ctx())).toBeNull();
    expect(conditionOf(doc({}), ctx({ budgetFull: true }))).toBe('waiting-for-budget');
    expect(conditionOf(doc({}), ctx({ budgetFull: true, blockedUntil: NOW + 1000 }))).toBe('rate-limited');
    expect(conditionOf(doc({}), ctx({ blockedUntil: NOW - 1 }))).toBeNull();
    expect(conditionOf(doc({}), ctx({ pausedReplicas: new Set([REPLICA]), blockedUntil: NOW + 1000 }))).toBe('quota-paused');
    expect(conditionOf(doc({}), ctx({ pausedSources: new Set(['docs']), pausedReplicas: new Set([REPLICA]) }))).toBe('source-paused');
    expect(conditionOf(doc({ state: 'deleting' }), ctx({ pausedSources: new Set(['docs']) }))).toBe('source-paused');
    expect(conditionOf(doc({ nextAttemptAt: NOW + 5000 }), ctx())).toBe('retrying');
    expect(conditionOf(doc({ attempts: 1 }), ctx({ budgetFull: true }))).toBe('retrying');
    expect(conditionOf(doc({ state: 'errored' }), ctx())).toBe('retrying');
    expect(conditionOf(doc({ state: 'failed' }), ctx())).toBe('failed');
    expect(conditionOf(doc({ state: 'failed', previousEntryId: 4 }), ctx())).toBe('previous-live');
    expect(conditionOf(doc({ state: 'ready' }), ctx({ budgetFull: true }))).toBeNull();
  });
});

describe('the console access policy', () => {
  it('reads the host part of Host headers and addresses, IPv6 in brackets', () => {
    expect(hostName('127.0.0.1:7441')).toBe('127.0.0.1');
    expect(hostName('LocalHost')).toBe('localhost');
    expect(hostName('[::1]:7441')).toBe('[::1]');
    expect(hostName('::1')).toBe('[::1]');
    expect(hostName('ingest.example.org:80')).toBe('ingest.example.org');
  });

  it('allows the bound address, loopback names and publicHost; matches the token; derives the cookie', () => {
    const policy = accessPolicy({ host: '10.0.0.5', publicHost: 'ingest.example.org', token: 'a-long-enough-token-123' });
    expect([...policy.allowedHosts].sort()).toEqual(['10.0.0.5', '127.0.0.1', '[::1]', 'ingest.example.org', 'localhost']);
    expect(policy.tokenMatches('a-long-enough-token-123')).toBe(true);
    expect(policy.tokenMatches('a-long-enough-token-12')).toBe(false);
    expect(policy.sessionValue).not.toContain('a-long-enough-token-123');
    expect(accessPolicy({ host: '127.0.0.1', publicHost: null, token: null })).toMatchObject({ tokenRequired: false, sessionValue: null });
    expect(accessPolicy({ host: '127.0.0.1', publicHost: null, token: null }).tokenMatches('')).toBe(false);
  });
});
