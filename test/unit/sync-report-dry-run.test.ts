import { describe, expect, it } from 'vitest';
import { dryRunJson, presentDryRun } from '../../src/cli/present/sync-report.js';
import type { Plan } from '../../src/engine/plan-types.js';

const REPLICA = '11111111-1111-4111-8111-111111111111';
const plan: Plan = {
  jobs: [
    { action: 'update', reason: 'CHANGED', source: 'docs', relPath: 'a.md', replicaUUID: REPLICA, documentId: 1, entryId: 11, sha256: 's1', textHash: 't1' },
    { action: 'replace', reason: 'CHANGED', source: 'docs', relPath: 'b.md', replicaUUID: REPLICA, documentId: 2, entryId: 12, sha256: 's2', textHash: 't2' },
    { action: 'create', reason: 'NEW', source: 'docs', relPath: 'c.md', replicaUUID: REPLICA, sha256: 's3', textHash: 't3' },
  ],
  rejected: [],
  duplicates: [],
  held: [],
};

describe('sync --dry-run output', () => {
  it('lists in-place updates apart from replaces, saying they take no upload slot', () => {
    const report = dryRunJson(plan, { uploads: 2, firstSlotAt: 0, lastSlotAt: 1000 }, [], []);
    expect(report.plan.map((item) => `${item.action} ${item.path}`)).toEqual(['update a.md', 'replace b.md', 'create c.md']);
    const lines: string[] = [];
    presentDryRun(report, { json: false }, { out: (line) => lines.push(line), err: () => undefined, isTTY: false });
    expect(lines).toContain('update    a.md (text patched in place: no upload slot)');
    expect(lines).toContain('changed    1 updated in place (no upload slot) · 1 replaced (one upload slot each)');
    expect(lines.find((line) => line.startsWith('uploads'))).toMatch(/^uploads {4}2: /);
  });
});
