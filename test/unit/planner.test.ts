import { describe, expect, it } from 'vitest';
import { plan, PlanInputError } from '../../src/engine/planner.js';
import type { PlanInput } from '../../src/engine/planner.js';
import { OTHER_REPLICA, effects, file, known, lines, planFor, rejectedFile, seen, source } from './planner-builders.js';

describe('planner: new, unchanged and changed files', () => {
  it('creates a new file with its hashes', () => {
    const result = planFor({ files: [file('a.md', 'alpha')] });
    expect(result.jobs).toEqual([
      {
        action: 'create',
        reason: 'NEW',
        source: 'docs',
        relPath: 'a.md',
        replicaUUID: source().replicaUUID,
        sha256: 'sha(alpha)',
        textHash: 'txt(alpha)',
      },
    ]);
    expect(result.rejected).toEqual([]);
    expect(result.duplicates).toEqual([]);
    expect(result.held).toEqual([]);
  });

  it('does nothing for a file with the same sha256', () => {
    const doc = known(1, 'a.md', 'alpha');
    const result = planFor({ files: [file('a.md', 'alpha')], known: [doc] });
    expect(lines(result)).toEqual(['none a.md UNCHANGED']);
    expect(result.jobs[0]).toMatchObject({ documentId: 1, entryId: 1001 });
  });

  it('does nothing for a stat-only sighting whose size and mtime match the store', () => {
    const doc = known(1, 'a.md', 'alpha');
    expect(lines(planFor({ files: [seen(doc)], known: [doc] }))).toEqual(['none a.md UNCHANGED']);
  });

  it('asks for extraction when a stat-only sighting differs from the store', () => {
    const doc = known(1, 'a.md', 'alpha');
    const result = planFor({ files: [seen(doc, { mtimeMs: 2_000 })], known: [doc] });
    expect(lines(result)).toEqual(['none a.md NOT_EXAMINED']);
  });

  it('asks for extraction of a new file that was only stat-ed', () => {
    const result = planFor({ files: [file('a.md', 'alpha', { sha256: null, extraction: null })] });
    expect(lines(result)).toEqual(['none a.md NOT_EXAMINED']);
  });

  it('only refreshes metadata when a file was touched but its bytes are the same', () => {
    const doc = known(1, 'a.md', 'alpha');
    const result = planFor({ files: [file('a.md', 'alpha', { mtimeMs: 5_000 })], known: [doc] });
    expect(lines(result)).toEqual(['none a.md METADATA_CHANGED']);
  });

  it('replaces a ready document whose content changed, naming the entry that stays until READY', () => {
    const doc = known(1, 'a.md', 'alpha');
    const result = planFor({ files: [file('a.md', 'alpha v2')], known: [doc] });
    expect(result.jobs).toEqual([
      {
        action: 'replace',
        reason: 'CHANGED',
        source: 'docs',
        relPath: 'a.md',
        replicaUUID: doc.replicaUUID,
        documentId: 1,
        entryId: 1001,
        sha256: 'sha(alpha v2)',
        textHash: 'txt(alpha v2)',
      },
    ]);
  });

  it.each(['processing', 'uploading', 'errored'] as const)('replaces a changed document in state %s', (state) => {
    const doc = known(1, 'a.md', 'alpha', { state });
    expect(effects(planFor({ files: [file('a.md', 'beta')], known: [doc] }))).toEqual(['replace a.md CHANGED']);
  });

  it('re-creates (not replaces) a changed document that has no entry yet', () => {
    const doc = known(1, 'a.md', 'alpha', { state: 'queued', entryId: null });
    const result = planFor({ files: [file('a.md', 'beta')], known: [doc] });
    expect(effects(result)).toEqual(['create a.md CHANGED']);
    expect(result.jobs[0]).toMatchObject({ documentId: 1, sha256: 'sha(beta)' });
  });

  it('in file mode, replaces when the bytes change even if the text is the same', () => {
    const doc = known(1, 'a.docx', 'alpha');
    const resaved = file('a.docx', 'alpha', { sha256: 'sha(alpha re-saved)' });
    expect(effects(planFor({ files: [resaved], known: [doc] }))).toEqual(['replace a.docx CHANGED']);
  });

  it('in text mode, spends no upload when the bytes change but the text does not', () => {
    const doc = known(1, 'a.docx', 'alpha');
    const resaved = file('a.docx', 'alpha', { sha256: 'sha(alpha re-saved)' });
    const result = planFor({ sources: [source({ mode: 'text' })], files: [resaved], known: [doc] });
    expect(lines(result)).toEqual(['none a.docx TEXT_UNCHANGED']);
  });

  it('in text mode, replaces when the text changes', () => {
    const doc = known(1, 'a.docx', 'alpha');
    const result = planFor({ sources: [source({ mode: 'text' })], files: [file('a.docx', 'beta')], known: [doc] });
    expect(effects(result)).toEqual(['replace a.docx CHANGED']);
  });

  it('moves a document to the source’s new replica, keeping the old entry until the new is READY', () => {
    const doc = known(1, 'a.md', 'alpha', { replicaUUID: OTHER_REPLICA });
    for (const sighting of [file('a.md', 'alpha'), seen(doc)]) {
      const result = planFor({ files: [sighting], known: [doc] });
      expect(result.jobs).toEqual([
        expect.objectContaining({
          action: 'replace',
          reason: 'REPLICA_CHANGED',
          replicaUUID: source().replicaUUID,
          previousReplicaUUID: OTHER_REPLICA,
          entryId: 1001,
          sha256: 'sha(alpha)',
        }),
      ]);
    }
  });

  it('keeps the previous version live when the changed file is now rejected', () => {
    const doc = known(1, 'a.pdf', 'alpha');
    const broken = rejectedFile('a.pdf', 'CORRUPT');
    const copyOfOld = file('b.pdf', 'alpha');
    const result = planFor({ files: [broken, copyOfOld], known: [doc] });
    expect(result.rejected).toEqual([
      expect.objectContaining({ relPath: 'a.pdf', reason: 'CORRUPT', documentId: 1, entryId: 1001 }),
    ]);
    // The old entry still carries "alpha", so a new copy of those bytes is not uploaded again.
    expect(effects(result)).toEqual(['rejected a.pdf CORRUPT', 'duplicate b.pdf = a.pdf NEW']);
  });

  it('leaves a file that changed while being read for a later scan', () => {
    const doc = known(1, 'a.md', 'alpha');
    const result = planFor({
      files: [rejectedFile('a.md', 'UNSTABLE', { size: 99 }), rejectedFile('new.md', 'UNSTABLE')],
      known: [doc],
    });
    expect(lines(result)).toEqual(['none a.md UNSTABLE', 'none new.md UNSTABLE']);
    expect(result.rejected).toEqual([]);
  });

  it('leaves files for a later scan when no extraction worker could start (not a verdict on the file)', () => {
    const doc = known(1, 'a.md', 'alpha');
    const result = planFor({
      files: [rejectedFile('a.md', 'WORKER_UNAVAILABLE', { size: 99 }), rejectedFile('new.md', 'WORKER_UNAVAILABLE')],
      known: [doc],
    });
    expect(lines(result)).toEqual(['none a.md WORKER_UNAVAILABLE', 'none new.md WORKER_UNAVAILABLE']);
    expect(result.rejected).toEqual([]);
  });
});

describe('planner: order and determinism', () => {
  it('orders by source priority, then discovery, then path', () => {
    const sources = [source({ name: 'low', priority: 0 }), source({ name: 'high', priority: 5, replicaUUID: OTHER_REPLICA })];
    const files = [
      file('z.md', 'z', { source: 'low' }),
      file('b.md', 'b', { source: 'low', discoveredAt: 20 }),
      file('a.md', 'a', { source: 'low', discoveredAt: 30 }),
      file('y.md', 'y', { source: 'high' }),
    ];
    const result = planFor({ sources, files });
    expect(result.jobs.map((j) => `${j.source}/${j.relPath}`)).toEqual(['high/y.md', 'low/b.md', 'low/a.md', 'low/z.md']);
  });

  it('gives the same plan whatever the input order', () => {
    const docs = [known(1, 'a.md', 'a'), known(2, 'b.md', 'b'), known(3, 'gone.md', 'g'), known(4, 'd.md', 'd')];
    const files = [file('a.md', 'a'), file('b.md', 'b2'), file('c.md', 'c'), file('c2.md', 'c'), file('d.md', 'd'), file('e.md', 'e')];
    const input = { files, known: docs, sources: [source({ maxDeletePercent: 50 })] };
    const first = planFor(input);
    const reversed = planFor({ ...input, files: [...files].reverse(), known: [...docs].reverse() });
    expect(reversed).toEqual(first);
    expect(effects(first)).toEqual([
      'replace b.md CHANGED',
      'create c.md NEW',
      'create e.md NEW',
      'delete gone.md FILE_DELETED',
      'duplicate c2.md = c.md NEW',
    ]);
  });

  it('leaves documents of a source that is no longer configured alone', () => {
    const orphan = known(1, 'a.md', 'alpha', { source: 'removed' });
    const result = planFor({ known: [orphan] });
    expect(lines(result)).toEqual(['none a.md SOURCE_NOT_CONFIGURED']);
  });
});

describe('planner: input contract', () => {
  const base: PlanInput = { sources: [source()], files: [], known: [], scanComplete: { docs: true } };

  it.each([
    ['a file of an unknown source', { files: [file('a.md', 'a', { source: 'nope' })] }, 'UNKNOWN_SOURCE'],
    ['the same file twice', { files: [file('a.md', 'a'), file('a.md', 'a')] }, 'DUPLICATE_PATH'],
    ['two documents at one path', { known: [known(1, 'a.md', 'a'), known(2, 'a.md', 'a')] }, 'DUPLICATE_PATH'],
    ['duplicate source names', { sources: [source(), source()] }, 'INVALID_SOURCE'],
    ['maxDeletePercent above 100', { sources: [source({ maxDeletePercent: 120 })] }, 'INVALID_SOURCE'],
    ['a NaN priority', { sources: [source({ priority: Number.NaN })] }, 'INVALID_SOURCE'],
  ])('refuses %s', (_label, over, code) => {
    const run = () => plan({ ...base, ...over });
    expect(run).toThrow(PlanInputError);
    expect(run).toThrow(expect.objectContaining({ code }));
  });
});
