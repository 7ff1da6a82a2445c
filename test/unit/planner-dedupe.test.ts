import { describe, expect, it } from 'vitest';
import { OTHER_REPLICA, effects, file, known, lines, planFor, seen, source } from './planner-builders.js';

describe('planner: duplicates within a replica', () => {
  it('in text mode, records a new file with the text of a live document as its duplicate', () => {
    const original = known(1, 'a.pdf', 'alpha');
    const result = planFor({
      sources: [source({ mode: 'text' })],
      files: [file('a.pdf', 'alpha'), file('a-copy.docx', 'alpha', { sha256: 'sha(docx bytes)' })],
      known: [original],
    });
    expect(result.duplicates).toEqual([
      {
        source: 'docs',
        relPath: 'a-copy.docx',
        reason: 'NEW',
        duplicateOfSource: 'docs',
        duplicateOfPath: 'a.pdf',
        duplicateOfId: 1,
        sha256: 'sha(docx bytes)',
        textHash: 'txt(alpha)',
      },
    ]);
    expect(effects(result)).toEqual(['duplicate a-copy.docx = a.pdf NEW']);
  });

  it('in file mode, uploads a new file with the text of a live document but other bytes: two documents', () => {
    const original = known(1, 'a.pdf', 'alpha');
    const result = planFor({
      files: [file('a.pdf', 'alpha'), file('a-copy.docx', 'alpha', { sha256: 'sha(docx bytes)' })],
      known: [original],
    });
    expect(result.duplicates).toEqual([]);
    expect(effects(result)).toEqual(['create a-copy.docx NEW']);
  });

  it('in file mode, dedupes by bytes even when an older version recorded no text or other text', () => {
    const original = known(1, 'a.pdf', 'alpha', { textHash: 'txt(recorded long ago)' });
    const result = planFor({ files: [seen(original), file('b.pdf', 'alpha', { textHash: null })], known: [original] });
    expect(effects(result)).toEqual(['duplicate b.pdf = a.pdf NEW']);
  });

  it('in file mode, ignores text hashes between new files: only equal bytes are one document', () => {
    const result = planFor({
      files: [file('a.html', 'hello', { sha256: 'sha(html)' }), file('a.txt', 'hello', { sha256: 'sha(txt)' }), file('b.txt', 'hello', { sha256: 'sha(txt)' })],
    });
    expect(effects(result)).toEqual(['create a.html NEW', 'create a.txt NEW', 'duplicate b.txt = a.txt NEW']);
  });

  it('uploads one of two new identical files and records the other as its duplicate', () => {
    const result = planFor({ files: [file('b.md', 'same'), file('a.md', 'same')] });
    expect(effects(result)).toEqual(['create a.md NEW', 'duplicate b.md = a.md NEW']);
    expect(result.duplicates[0]).not.toHaveProperty('duplicateOfId');
  });

  it('makes the first discovered of two identical files the original', () => {
    const result = planFor({ files: [file('a.md', 'same', { discoveredAt: 20 }), file('b.md', 'same', { discoveredAt: 10 })] });
    expect(effects(result)).toEqual(['create b.md NEW', 'duplicate a.md = b.md NEW']);
  });

  it.each([
    ['queued', 'duplicate'],
    ['uploading', 'duplicate'],
    ['processing', 'duplicate'],
    ['ready', 'duplicate'],
    ['errored', 'duplicate'],
    ['failed', 'create'],
    ['rejected', 'create'],
  ] as const)('a new copy of a document in state %s → %s', (state, outcome) => {
    const doc = known(1, 'a.md', 'alpha', { state });
    const result = planFor({ files: [file('a.md', 'alpha', { mtimeMs: 1_000 }), file('new.md', 'alpha')], known: [doc] });
    expect(effects(result).filter((l) => l.includes('new.md'))[0]?.split(' ')[0]).toBe(outcome);
  });

  it('creates a copy of a deleted document, and re-creates a deleted path whose file came back', () => {
    const tombstone = known(1, 'a.md', 'alpha', { state: 'deleted', entryId: null });
    const elsewhere = planFor({ files: [file('new.md', 'alpha')], known: [tombstone] });
    expect(lines(elsewhere)).toEqual(['none a.md ALREADY_DELETED', 'create new.md NEW']);
    const back = planFor({ files: [file('a.md', 'alpha')], known: [tombstone] });
    expect(lines(back)).toEqual(['create a.md REAPPEARED']);
    expect(back.jobs[0]).toMatchObject({ documentId: 1 });
  });

  it('does not dedupe across replicas', () => {
    const sources = [source({ name: 'one' }), source({ name: 'two', replicaUUID: OTHER_REPLICA })];
    const result = planFor({ sources, files: [file('a.md', 'x', { source: 'one' }), file('a.md', 'x', { source: 'two' })] });
    expect(effects(result)).toEqual(['create a.md NEW', 'create a.md NEW']);
  });

  it('dedupes across sources feeding one replica, the higher priority source keeping the upload', () => {
    const sources = [source({ name: 'low', priority: 0 }), source({ name: 'high', priority: 9 })];
    const result = planFor({ sources, files: [file('a.md', 'x', { source: 'low' }), file('b.md', 'x', { source: 'high' })] });
    expect(result.jobs).toEqual([expect.objectContaining({ action: 'create', source: 'high', relPath: 'b.md' })]);
    expect(result.duplicates).toEqual([
      expect.objectContaining({ source: 'low', relPath: 'a.md', duplicateOfSource: 'high', duplicateOfPath: 'b.md' }),
    ]);
  });

  it('in text mode, dedupes by text even when the bytes differ', () => {
    const result = planFor({
      sources: [source({ mode: 'text' })],
      files: [file('a.html', 'hello', { sha256: 'sha(html)' }), file('a.txt', 'hello', { sha256: 'sha(txt)' })],
    });
    expect(effects(result)).toEqual(['create a.html NEW', 'duplicate a.txt = a.html NEW']);
  });
});

describe('planner: known duplicates follow their original', () => {
  const original = known(1, 'a.md', 'alpha');
  const dup = known(2, 'copy.md', 'alpha', { state: 'duplicate', entryId: null, duplicateOf: 1 });

  it('leaves a duplicate alone while its original is live', () => {
    const result = planFor({ files: [seen(original), seen(dup)], known: [original, dup] });
    expect(lines(result)).toEqual(['none a.md UNCHANGED', 'none copy.md DUPLICATE']);
  });

  it('promotes a duplicate to a create when its original is deleted', () => {
    const result = planFor({
      sources: [source({ maxDeletePercent: 50 })],
      files: [seen(dup)],
      known: [original, dup],
    });
    expect(effects(result)).toEqual(['delete a.md FILE_DELETED', 'create copy.md PROMOTED']);
    expect(result.jobs[1]).toMatchObject({ documentId: 2, sha256: 'sha(alpha)', textHash: 'txt(alpha)' });
  });

  it('re-points a duplicate to another live copy when its original is deleted', () => {
    const other = known(3, 'b.md', 'alpha');
    const result = planFor({
      sources: [source({ maxDeletePercent: 50 })],
      files: [seen(dup), seen(other)],
      known: [original, dup, other],
    });
    expect(effects(result)).toEqual(['delete a.md FILE_DELETED', 'duplicate copy.md = b.md REPOINTED']);
    expect(result.duplicates[0]).toMatchObject({ documentId: 2, duplicateOfId: 3 });
  });

  it('in text mode, re-points a duplicate to a live copy with the same text and other bytes', () => {
    const other = known(3, 'b.md', 'alpha', { sha256: 'sha(b bytes)' });
    const result = planFor({
      sources: [source({ maxDeletePercent: 50, mode: 'text' })],
      files: [seen(dup), seen(other)],
      known: [original, dup, other],
    });
    expect(effects(result)).toEqual(['delete a.md FILE_DELETED', 'duplicate copy.md = b.md REPOINTED']);
    expect(result.duplicates[0]).toMatchObject({ documentId: 2, duplicateOfId: 3 });
  });

  it('in file mode, promotes a duplicate recorded by text whose bytes differ from its original', () => {
    const byText = known(2, 'copy.docx', 'alpha', { sha256: 'sha(docx bytes)', state: 'duplicate', entryId: null, duplicateOf: 1 });
    const result = planFor({ files: [seen(original), seen(byText)], known: [original, byText] });
    expect(effects(result)).toEqual(['create copy.docx PROMOTED']);
    expect(result.jobs.find((j) => j.action === 'create')).toMatchObject({ documentId: 2, sha256: 'sha(docx bytes)' });
    // The same row in text mode stays a duplicate: the text is still the original's.
    const textMode = planFor({ sources: [source({ mode: 'text' })], files: [seen(original), seen(byText)], known: [original, byText] });
    expect(lines(textMode)).toEqual(['none a.md UNCHANGED', 'none copy.docx DUPLICATE']);
  });

  it('promotes a duplicate when its original is replaced by different content', () => {
    const result = planFor({ files: [file('a.md', 'alpha v2'), seen(dup)], known: [original, dup] });
    expect(effects(result)).toEqual(['replace a.md CHANGED', 'create copy.md PROMOTED']);
  });

  it('keeps a duplicate whose original’s delete is held by the valve', () => {
    const result = planFor({ sources: [source({ maxDeletePercent: 0 })], files: [seen(dup)], known: [original, dup] });
    expect(result.held).toHaveLength(1);
    expect(lines(result)).toEqual(['none a.md DELETE_HELD', 'none copy.md DUPLICATE']);
  });

  it('keeps a duplicate whose original’s entry is kept (onDelete keep)', () => {
    const result = planFor({ sources: [source({ onDelete: 'keep' })], files: [seen(dup)], known: [original, dup] });
    expect(lines(result)).toEqual(['none a.md KEPT', 'none copy.md DUPLICATE']);
  });

  it('uploads a duplicate whose own content changed', () => {
    const result = planFor({ files: [seen(original), file('copy.md', 'now different')], known: [original, dup] });
    expect(effects(result)).toEqual(['create copy.md CHANGED']);
  });

  it('promotes a duplicate when its original failed for good', () => {
    const failed = { ...original, state: 'failed' as const };
    const result = planFor({ files: [seen(failed), seen(dup)], known: [failed, dup] });
    expect(effects(result)).toEqual(['create copy.md PROMOTED']);
  });
});
