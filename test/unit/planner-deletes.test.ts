import { describe, expect, it } from 'vitest';
import type { KnownDocument } from '../../src/engine/planner.js';
import { effects, file, known, lines, planFor, seen, source } from './planner-builders.js';

function library(count: number): KnownDocument[] {
  return Array.from({ length: count }, (_, i) => known(i + 1, `doc${String(i + 1).padStart(2, '0')}.md`, `text ${i + 1}`));
}

describe('planner: deleted files', () => {
  it('deletes the entry of a document whose file is gone', () => {
    const docs = library(5);
    const result = planFor({ files: docs.slice(1).map((d) => seen(d)), known: docs });
    expect(result.jobs.filter((j) => j.action === 'delete')).toEqual([
      {
        action: 'delete',
        reason: 'FILE_DELETED',
        source: 'docs',
        relPath: 'doc01.md',
        replicaUUID: docs[0]?.replicaUUID,
        documentId: 1,
        entryId: 1001,
      },
    ]);
  });

  it('forgets a gone document that never had an entry (no entry id to delete)', () => {
    const docs = [...library(4), known(5, 'queued.md', 'q', { state: 'queued', entryId: null })];
    const result = planFor({ files: docs.slice(0, 4).map((d) => seen(d)), known: docs });
    const del = result.jobs.find((j) => j.action === 'delete');
    expect(del).toMatchObject({ relPath: 'queued.md', documentId: 5 });
    expect(del).not.toHaveProperty('entryId');
  });

  it('keeps the entry when the source says onDelete: keep', () => {
    const docs = library(5);
    const result = planFor({ sources: [source({ onDelete: 'keep' })], files: [], known: docs.slice(0, 1) });
    expect(lines(result)).toEqual(['none doc01.md KEPT']);
    expect(result.held).toEqual([]);
  });

  it('never deletes, and never renames, in a source whose scan did not complete', () => {
    const docs = library(5);
    const moved = file('moved/doc01.md', 'text 1');
    const result = planFor({ files: [moved], known: docs, scanComplete: { docs: false } });
    expect(result.jobs.filter((j) => j.action === 'delete' || j.action === 'rename')).toEqual([]);
    expect(lines(result).filter((l) => l.startsWith('none'))).toHaveLength(5);
    expect(lines(result)).toContain('none doc01.md SCAN_INCOMPLETE');
    // The moved copy's content is still live under its old path, so it is not uploaded twice.
    expect(effects(result)).toEqual(['duplicate moved/doc01.md = doc01.md NEW']);
    expect(result.held).toEqual([
      expect.objectContaining({ source: 'docs', reason: 'SCAN_INCOMPLETE', wouldDelete: 5, known: 5 }),
    ]);
  });

  it('treats a source missing from scanComplete as incomplete', () => {
    const docs = library(2);
    const result = planFor({ files: [], known: docs, scanComplete: {} });
    expect(result.jobs.map((j) => j.reason)).toEqual(['SCAN_INCOMPLETE', 'SCAN_INCOMPLETE']);
  });
});

describe('planner: the mass-delete valve', () => {
  it.each([
    { knownCount: 5, deleted: 1, held: false, label: 'exactly 20 % (1 of 5)' },
    { knownCount: 10, deleted: 2, held: false, label: 'exactly 20 % (2 of 10)' },
    { knownCount: 10, deleted: 3, held: true, label: '30 % (3 of 10)' },
    { knownCount: 9, deleted: 2, held: true, label: 'just above 20 % (2 of 9 = 22.2 %)' },
    { knownCount: 100, deleted: 21, held: true, label: 'just above 20 % (21 of 100)' },
    { knownCount: 4, deleted: 4, held: true, label: 'everything (an unmounted share)' },
    { knownCount: 3, deleted: 1, held: false, label: 'a single file of a small folder (1 of 3 = 33 %)' },
    { knownCount: 2, deleted: 1, held: false, label: 'a single file of two (50 %)' },
    { knownCount: 1, deleted: 1, held: true, label: 'the only document (the source would be emptied)' },
    { knownCount: 3, deleted: 2, held: true, label: 'two of three (66.7 %)' },
  ])('$label → held: $held', ({ knownCount, deleted, held }) => {
    const docs = library(knownCount);
    const result = planFor({ files: docs.slice(deleted).map((d) => seen(d)), known: docs });
    const deletes = result.jobs.filter((j) => j.action === 'delete');
    expect(deletes).toHaveLength(held ? 0 : deleted);
    expect(result.held).toHaveLength(held ? 1 : 0);
    if (held) expect(result.jobs.filter((j) => j.reason === 'DELETE_HELD')).toHaveLength(deleted);
  });

  it('explains what it held back, with counts and percent', () => {
    const docs = library(9);
    const result = planFor({ files: docs.slice(2).map((d) => seen(d)), known: docs });
    expect(result.held).toEqual([
      {
        source: 'docs',
        reason: 'MASS_DELETE',
        wouldDelete: 2,
        known: 9,
        percent: 22.2,
        maxDeletePercent: 20,
        detail: expect.stringMatching(/delete 2 of 9 documents \(22\.2%\).*maxDeletePercent 20.*approve-deletes docs/),
        approvable: true,
        documentIds: [1, 2],
        paths: ['doc01.md', 'doc02.md'],
      },
    ]);
  });

  it('is judged per source: one source held does not stop another’s deletes', () => {
    const sources = [source({ name: 'a' }), source({ name: 'b', allowEmpty: true })];
    const known1 = known(1, 'x.md', 'x', { source: 'a' });
    const known2 = known(2, 'y.md', 'y', { source: 'b' });
    const result = planFor({ sources, known: [known1, known2] });
    expect(lines(result)).toEqual(['none x.md DELETE_HELD', 'delete y.md FILE_DELETED']);
    expect(result.held.map((h) => h.source)).toEqual(['a']);
  });

  it('does not count renames as deletes', () => {
    const docs = library(10);
    const result = planFor({ files: docs.map((d) => file(`archive/${d.relPath}`, `text ${d.id}`)), known: docs });
    expect(result.held).toEqual([]);
    expect(result.jobs.every((j) => j.action === 'rename')).toBe(true);
    expect(result.jobs).toHaveLength(10);
  });

  it('with maxDeletePercent 0, holds any delete', () => {
    const docs = library(50);
    const result = planFor({ sources: [source({ maxDeletePercent: 0 })], files: docs.slice(1).map((d) => seen(d)), known: docs });
    expect(result.held).toHaveLength(1);
  });
});

describe('planner: renames and moves', () => {
  it('renames a document whose bytes now live at a new path, spending no upload', () => {
    const doc = known(1, 'old/report.pdf', 'report');
    const result = planFor({ files: [file('new/report.pdf', 'report')], known: [doc] });
    expect(result.jobs).toEqual([
      {
        action: 'rename',
        reason: 'MOVED',
        source: 'docs',
        relPath: 'new/report.pdf',
        fromPath: 'old/report.pdf',
        replicaUUID: doc.replicaUUID,
        documentId: 1,
        entryId: 1001,
      },
    ]);
    expect(result.held).toEqual([]);
  });

  it('turns a rename plus an edit into a delete and a create', () => {
    const docs = [known(1, 'a.md', 'draft'), ...library(4).map((d) => ({ ...d, id: d.id + 1 }))];
    const result = planFor({ files: [file('b.md', 'final'), ...docs.slice(1).map((d) => seen(d))], known: docs });
    expect(effects(result)).toEqual(['delete a.md FILE_DELETED', 'create b.md NEW']);
  });

  it('renames in keep mode too: the entry survives either way', () => {
    const doc = known(1, 'a.md', 'x');
    const result = planFor({ sources: [source({ onDelete: 'keep' })], files: [file('b.md', 'x')], known: [doc] });
    expect(effects(result)).toEqual(['rename b.md <- a.md MOVED']);
  });

  it('pairs copies by file name first, and keeps the copy that owns the entry', () => {
    const owner = known(1, 'x/one.md', 'same');
    const dup = known(2, 'x/two.md', 'same', { state: 'duplicate', entryId: null, duplicateOf: 1 });
    const result = planFor({
      files: [file('y/two.md', 'same'), file('y/one.md', 'same')],
      known: [owner, dup],
    });
    expect(effects(result)).toEqual(['rename y/one.md <- x/one.md MOVED', 'rename y/two.md <- x/two.md MOVED']);
  });

  it('when one of two copies moves and the other is deleted, the entry follows the moved path', () => {
    const owner = known(1, 'b.md', 'same');
    const dup = known(2, 'a.md', 'same', { state: 'duplicate', entryId: null, duplicateOf: 1 });
    const result = planFor({ sources: [source({ maxDeletePercent: 50 })], files: [file('moved.md', 'same')], known: [owner, dup] });
    expect(effects(result)).toEqual(['delete a.md FILE_DELETED', 'rename moved.md <- b.md MOVED']);
  });

  it('moves a duplicate whose original is deleted and promotes it to a create', () => {
    const owner = known(1, 'one.md', 'same', { sha256: 'sha(one bytes)' });
    const dup = known(2, 'two.md', 'same', { state: 'duplicate', entryId: null, duplicateOf: 1 });
    const result = planFor({
      sources: [source({ maxDeletePercent: 100 })],
      files: [file('moved-two.md', 'same')],
      known: [owner, dup],
    });
    expect(effects(result)).toEqual(['create moved-two.md <- two.md PROMOTED', 'delete one.md FILE_DELETED']);
  });

  it('does not treat a new file as a rename of a document whose file is still there', () => {
    const doc = known(1, 'a.md', 'x');
    const result = planFor({ files: [file('a.md', 'x'), file('b.md', 'x')], known: [doc] });
    expect(effects(result)).toEqual(['duplicate b.md = a.md NEW']);
  });
});
