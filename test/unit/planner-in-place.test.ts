import { describe, expect, it } from 'vitest';
import type { KnownDocument } from '../../src/engine/planner.js';
import { effects, file, known, OTHER_REPLICA, planFor, source } from './planner-builders.js';

const text = source({ mode: 'text', update: 'in-place' });
const changed = (doc: KnownDocument) => planFor({ sources: [text], known: [doc], files: [file(doc.relPath, 'new text')] });

describe('planner: in-place updates of text documents', () => {
  it('a changed text document with a live entry is updated in place, keeping its entry', () => {
    const result = changed(known(1, 'a.md', 'old text'));
    expect(effects(result)).toEqual(['update a.md CHANGED']);
    expect(result.jobs[0]).toMatchObject({ action: 'update', documentId: 1, entryId: 1001, textHash: 'txt(new text)' });
  });

  it.each(['processing', 'queued'] as const)('also while the entry is %s', (state) => {
    expect(effects(changed(known(1, 'a.md', 'old text', { state })))).toEqual(['update a.md CHANGED']);
  });

  it('replaces when the source says update: "replace", in file mode, or when no in-place is known to work', () => {
    const doc = known(1, 'a.md', 'old text');
    const files = [file('a.md', 'new text')];
    expect(effects(planFor({ sources: [source({ mode: 'text', update: 'replace' })], known: [doc], files }))).toEqual(['replace a.md CHANGED']);
    expect(effects(planFor({ sources: [source({ mode: 'text' })], known: [doc], files }))).toEqual(['replace a.md CHANGED']);
    expect(effects(planFor({ sources: [source({ mode: 'file', update: 'in-place' })], known: [doc], files }))).toEqual(['replace a.md CHANGED']);
  });

  it('never patches an errored, failed or entry-less document, nor across replicas', () => {
    expect(effects(changed(known(1, 'a.md', 'old text', { state: 'errored' })))).toEqual(['replace a.md CHANGED']);
    expect(effects(changed(known(1, 'a.md', 'old text', { state: 'failed' })))).toEqual(['replace a.md REEXAMINED']);
    expect(effects(changed(known(1, 'a.md', 'old text', { state: 'queued', entryId: null })))).toEqual(['create a.md CHANGED']);
    expect(effects(changed(known(1, 'a.md', 'old text', { replicaUUID: OTHER_REPLICA })))).toEqual(['replace a.md CHANGED']);
  });

  it('a re-saved file with the same text needs nothing', () => {
    const doc = known(1, 'a.md', 'same');
    const result = planFor({ sources: [text], known: [doc], files: [file('a.md', 'same', { sha256: 'sha(other bytes)' })] });
    expect(effects(result)).toEqual([]);
  });
});
