import { describe, expect, it } from 'vitest';
import { dryRunJson, presentDryRun, presentSync, type SyncJson } from '../../src/cli/present/sync-report.js';
import type { UnprocessedFile } from '../../src/engine/pass-report.js';
import type { Plan } from '../../src/engine/plan-types.js';

const REPLICA = '11111111-1111-4111-8111-111111111111';
const DETAIL = 'no extraction worker could start (exit 1: Error: Cannot find module pdf-parse); check the installation (node version, npm ci) and the log; the file is examined again on a later pass';
const unprocessed: UnprocessedFile[] = [
  { source: 'docs', path: 'a.md', reason: 'WORKER_UNAVAILABLE', detail: DETAIL },
  { source: 'docs', path: 'b/c.pdf', reason: 'WORKER_UNAVAILABLE', detail: DETAIL },
];

function collect(present: (io: { out(line: string): void; err(): void; isTTY: boolean }) => void): string[] {
  const lines: string[] = [];
  present({ out: (line) => lines.push(line), err: () => undefined, isTTY: false });
  return lines;
}

function syncJson(partial: Partial<SyncJson>): SyncJson {
  return {
    documents: { ready: 4, processing: 0, queued: 0, failed: 0, rejected: 0 },
    thisRun: { uploaded: 0, recreated: 0, deleted: 0, renamed: 0, adopted: 0, updated: 0 },
    rejected: [],
    failed: [],
    nextUploadAt: null,
    stoppedBy: 'round',
    budget: { limit: 10, used: 0, remaining: 10 },
    held: [],
    scanProblems: [],
    settling: { files: 0, until: null, paths: [] },
    unprocessed: [],
    unadopted: [],
    ...partial,
  };
}

describe('sync output: files not processed because no worker could start', () => {
  it('says the run is incomplete and names each file with its reason and the fix (human)', () => {
    const lines = collect((io) => presentSync(syncJson({ unprocessed: [...unprocessed] }), { json: false }, io));
    expect(lines).toContain('incomplete 2 files not processed: no extraction worker could start; the next run examines them again');
    expect(lines).toContain(`not processed  a.md (source docs): WORKER_UNAVAILABLE — ${DETAIL}`);
    expect(lines).toContain(`not processed  b/c.pdf (source docs): WORKER_UNAVAILABLE — ${DETAIL}`);
  });

  it('carries them under `unprocessed` in --json, and prints nothing about them when there are none', () => {
    const json = collect((io) => presentSync(syncJson({ unprocessed: [...unprocessed] }), { json: true }, io));
    expect(JSON.parse(json.join('\n'))).toMatchObject({ unprocessed: [{ path: 'a.md', source: 'docs', reason: 'WORKER_UNAVAILABLE', detail: DETAIL }, { path: 'b/c.pdf' }] });
    const clean = collect((io) => presentSync(syncJson({}), { json: false }, io));
    expect(clean.some((line) => /not processed|incomplete/.test(line))).toBe(false);
  });

  it('a dry run lists them too and does not count them as unchanged', () => {
    const plan: Plan = {
      jobs: [
        { action: 'none', reason: 'WORKER_UNAVAILABLE', source: 'docs', relPath: 'a.md', replicaUUID: REPLICA },
        { action: 'none', reason: 'WORKER_UNAVAILABLE', source: 'docs', relPath: 'b/c.pdf', replicaUUID: REPLICA },
        { action: 'none', reason: 'UNCHANGED', source: 'docs', relPath: 'd.md', replicaUUID: REPLICA },
      ],
      rejected: [],
      duplicates: [],
      held: [],
    };
    const report = dryRunJson(plan, { uploads: 0, firstSlotAt: null, lastSlotAt: null }, [], [], [], unprocessed);
    expect(report).toMatchObject({ unchanged: 1, unprocessed: [{ path: 'a.md', reason: 'WORKER_UNAVAILABLE' }, { path: 'b/c.pdf' }] });
    const lines = collect((io) => presentDryRun(report, { json: false }, io));
    expect(lines).toContain('unchanged  1 document');
    expect(lines).toContain(`not processed  a.md (source docs): WORKER_UNAVAILABLE — ${DETAIL}`);
  });
});
