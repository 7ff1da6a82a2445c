import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../src/config/types.js';
import { indexSources } from '../../src/uploader/source-index.js';

const source = (name: string, replicaUUID: string): SourceConfig => ({
  name,
  path: `/data/${name}`,
  replicaUUID,
  include: [],
  exclude: [],
  mode: 'file',
  onDelete: 'delete',
  maxDeletePercent: 20,
  priority: 0,
  requireText: false,
  update: 'replace',
});

describe('uploader source index', () => {
  const index = indexSources([source('hr', 'r1'), source('legal', 'r1'), source('wiki', 'r2')]);

  it('prefixes titles with the source name only where a replica is shared', () => {
    expect(index.titleOf({ sourceName: 'hr', relPath: 'a/b.pdf', replicaUUID: 'r1' })).toBe('hr/a/b.pdf');
    expect(index.titleOf({ sourceName: 'wiki', relPath: 'a/b.pdf', replicaUUID: 'r2' })).toBe('a/b.pdf');
    expect(index.filenameOf({ relPath: 'a/b.pdf' })).toBe('b.pdf');
  });

  it('resolves paths inside their source and refuses unknown sources', () => {
    expect(index.absolutePath({ sourceName: 'wiki', relPath: 'x/y.md' })).toBe(join('/data/wiki', 'x', 'y.md'));
    expect(index.absolutePath({ sourceName: 'gone', relPath: 'x.md' })).toBeNull();
    expect([...index.sourcesOf('r1')].sort()).toEqual(['hr', 'legal']);
  });
});
