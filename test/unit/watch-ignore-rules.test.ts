import { describe, expect, it } from 'vitest';
import { createSourceFilter, isAlwaysIgnoredName } from '../../src/watchers/ignore-rules.js';

describe('isAlwaysIgnoredName', () => {
  it.each([
    '~$Report.docx', '.~lock.Report.odt#', 'movie.mp4.part', 'setup.crdownload', 'scratch.tmp', 'SCRATCH.TMP',
    '.DS_Store', '.git', '.env',
  ])('ignores %s', (name) => {
    expect(isAlwaysIgnoredName(name)).toBe(true);
  });

  it.each(['Report.docx', 'part.md', 'tmp', 'notes.tmp.md', 'a~$b.docx', 'crdownload.pdf'])('keeps %s', (name) => {
    expect(isAlwaysIgnoredName(name)).toBe(false);
  });
});

describe('createSourceFilter', () => {
  const filter = createSourceFilter({ include: ['**/*.md', 'reports/*.pdf'], exclude: ['archive', '**/draft-*'] });

  it('decides files reached by a walk by include and exclude', () => {
    expect(filter.acceptsFile('notes/a.md', 'a.md')).toBe(true);
    expect(filter.acceptsFile('reports/q1.pdf', 'q1.pdf')).toBe(true);
    expect(filter.acceptsFile('reports/2024/q1.pdf', 'q1.pdf')).toBe(false);
    expect(filter.acceptsFile('notes/draft-a.md', 'draft-a.md')).toBe(false);
    expect(filter.acceptsFile('notes/~$a.md', '~$a.md')).toBe(false);
  });

  it('prunes excluded and always-ignored folders, and never prunes a folder for include', () => {
    expect(filter.acceptsDir('archive', 'archive')).toBe(false);
    expect(filter.acceptsDir('.git', '.git')).toBe(false);
    expect(filter.acceptsDir('photos', 'photos')).toBe(true);
  });

  it('checks every segment of a path reached without walking', () => {
    expect(filter.acceptsPath('archive/2020/a.md', 'file')).toBe(false);
    expect(filter.acceptsPath('notes/.cache/a.md', 'file')).toBe(false);
    expect(filter.acceptsPath('notes/a.md', 'file')).toBe(true);
    expect(filter.acceptsPath('notes/a.png', 'file')).toBe(false);
    expect(filter.acceptsPath('notes/a.png', 'unknown')).toBe(true);
    expect(filter.acceptsPath('../elsewhere/a.md', 'file')).toBe(false);
  });

  it('does not match dot names with globs and includes nothing when include is empty', () => {
    const all = createSourceFilter({ include: ['**/*'], exclude: [] });
    expect(all.acceptsPath('x/.hidden/y.md', 'file')).toBe(false);
    const none = createSourceFilter({ include: [], exclude: [] });
    expect(none.acceptsFile('a.md', 'a.md')).toBe(false);
  });
});
