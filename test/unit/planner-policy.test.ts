import { describe, expect, it } from 'vitest';
import { effects, file, known, lines, planFor, rejectedFile, seen, source } from './planner-builders.js';

describe('planner: the NO_TEXT policy', () => {
  it.each([
    { mode: 'file', requireText: false, outcome: 'create scan.pdf NEW' },
    { mode: 'file', requireText: true, outcome: 'rejected scan.pdf NO_TEXT' },
    { mode: 'text', requireText: false, outcome: 'rejected scan.pdf NO_TEXT' },
    { mode: 'text', requireText: true, outcome: 'rejected scan.pdf NO_TEXT' },
  ] as const)('mode $mode, requireText $requireText → $outcome', ({ mode, requireText, outcome }) => {
    const result = planFor({
      sources: [source({ mode, requireText })],
      files: [rejectedFile('scan.pdf', 'NO_TEXT')],
    });
    expect(effects(result)).toEqual([outcome]);
  });

  it('uploads a scan in file mode with a warning, and without a text hash', () => {
    const result = planFor({ files: [rejectedFile('scan.pdf', 'NO_TEXT', { textHash: 'txt()' })] });
    expect(result.jobs[0]).toMatchObject({
      action: 'create',
      textHash: null,
      sha256: 'sha(bytes of scan.pdf)',
      warning: { reason: 'NO_TEXT', detail: 'NO_TEXT detail for scan.pdf' },
    });
  });

  it('says which setting made NO_TEXT a rejection', () => {
    const textMode = planFor({ sources: [source({ mode: 'text' })], files: [rejectedFile('s.pdf', 'NO_TEXT')] });
    expect(textMode.rejected[0]?.detail).toMatch(/mode "text"/);
    const strict = planFor({ sources: [source({ requireText: true })], files: [rejectedFile('s.pdf', 'NO_TEXT')] });
    expect(strict.rejected[0]?.detail).toMatch(/requireText/);
  });

  it('never treats two different scans as duplicates because both have empty text', () => {
    const result = planFor({
      files: [
        rejectedFile('scan1.pdf', 'NO_TEXT', { textHash: 'txt()' }),
        rejectedFile('scan2.pdf', 'NO_TEXT', { textHash: 'txt()' }),
      ],
    });
    expect(effects(result)).toEqual(['create scan1.pdf NEW', 'create scan2.pdf NEW']);
  });

  it('still dedupes byte-identical scans', () => {
    const same = { sha256: 'sha(same scan)' };
    const result = planFor({
      files: [rejectedFile('scan1.pdf', 'NO_TEXT', same), rejectedFile('scan2.pdf', 'NO_TEXT', same)],
    });
    expect(effects(result)).toEqual(['create scan1.pdf NEW', 'duplicate scan2.pdf = scan1.pdf NEW']);
  });
});

describe('planner: hard rejections', () => {
  const reasons = [
    'UNSUPPORTED_TYPE',
    'TYPE_MISMATCH',
    'TOO_LARGE',
    'EMPTY_FILE',
    'CORRUPT',
    'ENCRYPTED',
    'DECOMPRESSION_LIMIT',
    'TOO_COMPLEX',
    'TIMEOUT',
    'UNREADABLE',
  ];
  for (const mode of ['file', 'text'] as const) {
    it.each(reasons)(`rejects %s in ${mode} mode, with the extractor's detail`, (reason) => {
      const result = planFor({ sources: [source({ mode })], files: [rejectedFile('x.bin', reason, { sha256: null })] });
      expect(result.jobs).toEqual([]);
      expect(result.rejected).toEqual([
        { source: 'docs', relPath: 'x.bin', reason, detail: `${reason} detail for x.bin`, sha256: null },
      ]);
    });
  }
});

describe('planner: rejected and failed documents are re-examined only when their file changes', () => {
  const rejectedDoc = known(1, 'bad.pdf', 'bytes of bad.pdf', {
    state: 'rejected',
    entryId: null,
    textHash: null,
    rejectReason: 'CORRUPT',
  });

  it('does nothing for a rejected document whose file is unchanged', () => {
    for (const sighting of [seen(rejectedDoc), rejectedFile('bad.pdf', 'CORRUPT', { size: rejectedDoc.size })]) {
      const result = planFor({ files: [sighting], known: [rejectedDoc] });
      expect(lines(result)).toEqual(['none bad.pdf REJECTED_UNCHANGED']);
    }
  });

  it('ignores a different verdict on identical bytes (a flaky extractor does not spend a slot)', () => {
    const result = planFor({ files: [file('bad.pdf', 'bytes of bad.pdf')], known: [rejectedDoc] });
    expect(lines(result)).toEqual(['none bad.pdf REJECTED_UNCHANGED']);
  });

  it('re-examines a rejected document whose file was fixed', () => {
    const result = planFor({ files: [file('bad.pdf', 'repaired')], known: [rejectedDoc] });
    expect(effects(result)).toEqual(['create bad.pdf REEXAMINED']);
    expect(result.jobs[0]).toMatchObject({ documentId: 1 });
  });

  it('re-examines a rejected document that was only touched', () => {
    const touched = file('bad.pdf', 'bytes of bad.pdf', { mtimeMs: 9_000 });
    expect(effects(planFor({ files: [touched], known: [rejectedDoc] }))).toEqual(['create bad.pdf REEXAMINED']);
  });

  it('reports a changed file that is still bad with its new reason', () => {
    const result = planFor({ files: [rejectedFile('bad.pdf', 'ENCRYPTED', { size: 5 })], known: [rejectedDoc] });
    expect(result.rejected).toEqual([expect.objectContaining({ reason: 'ENCRYPTED', documentId: 1 })]);
    expect(result.jobs).toEqual([]);
  });

  const failedDoc = known(2, 'f.md', 'poison', { state: 'failed', entryId: null, attempts: 3 });

  it('does nothing for a failed document whose file is unchanged', () => {
    expect(lines(planFor({ files: [file('f.md', 'poison')], known: [failedDoc] }))).toEqual([
      'none f.md FAILED_UNCHANGED',
    ]);
    expect(lines(planFor({ files: [seen(failedDoc)], known: [failedDoc] }))).toEqual(['none f.md FAILED_UNCHANGED']);
  });

  it('re-examines a failed document whose file changed', () => {
    expect(effects(planFor({ files: [file('f.md', 'cured')], known: [failedDoc] }))).toEqual(['create f.md REEXAMINED']);
  });

  it('replaces a failed document whose previous version is still live, once its file changes', () => {
    const failedReplace = { ...failedDoc, entryId: 77 };
    const result = planFor({ files: [file('f.md', 'cured')], known: [failedReplace] });
    expect(result.jobs).toEqual([expect.objectContaining({ action: 'replace', reason: 'REEXAMINED', entryId: 77 })]);
  });

  it('a failed document that moved is still not an original for a new copy', () => {
    const result = planFor({ files: [file('moved/f.md', 'poison'), file('copy.md', 'poison')], known: [failedDoc] });
    expect(effects(result)).toEqual(['create copy.md NEW', 'rename moved/f.md <- f.md MOVED']);
  });

  it('creates a new file whose text matches a failed document (failed is not live)', () => {
    const result = planFor({ files: [file('f.md', 'poison'), file('copy.md', 'poison')], known: [failedDoc] });
    expect(effects(result)).toEqual(['create copy.md NEW']);
  });
});
