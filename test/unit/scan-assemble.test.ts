import { describe, expect, it } from 'vitest';
import { FoundAssembler, type AssembleContext } from '../../src/watchers/scan-assemble.js';
import type { FoundFile } from '../../src/watchers/scan-types.js';
import { shardOfName, STAT_FIELDS, type FoundBatch } from '../../src/watchers/scan-walk-sync.js';

/** size = index, mtimeMs = 1000 + index, dev 7, ino = 100 + index, unless `stat` says otherwise. */
function batch(paths: string[], stat: (path: string) => number[] = (p) => defaultStat(p)): FoundBatch {
  const stats = new Float64Array(paths.length * STAT_FIELDS);
  paths.forEach((path, i) => stats.set(stat(path), i * STAT_FIELDS));
  return { relPaths: paths.join('\0'), stats };
}

const defaultStat = (path: string) => {
  const n = path.length;
  return [n, 1000 + n, 7, 100 + n];
};

const context = (overrides: Partial<AssembleContext> = {}): AssembleContext => ({ sourceName: 'docs', root: '/srv/docs', known: undefined, previous: undefined, ...overrides });

const order = (paths: string[]) => [...paths].sort((a, b) => (a === b ? 0 : a < b ? -1 : 1));

describe('FoundAssembler: merging shards', () => {
  it('merges three shards posted in interleaved batches into relPath order, waiting for a shard that has not posted', () => {
    const all = order(['a-b.md', 'a.md', 'a/x.md', 'a/y/z.md', 'a0.md', 'b.md', 'c/d.md', 'c/e.md', 'é.md', 'z.md']);
    const shards = [0, 1, 2].map((k) => all.filter((_, i) => i % 3 === k));
    const assembler = new FoundAssembler(3, context());

    assembler.add(0, batch(shards[0]!.slice(0, 2)));
    // Shards 1 and 2 have posted nothing: nothing can be placed yet.
    expect(assembler.files).toEqual([]);
    assembler.add(2, batch(shards[2]!));
    assembler.add(1, batch(shards[1]!.slice(0, 1)));
    assembler.end(2);
    assembler.add(0, batch(shards[0]!.slice(2)));
    assembler.add(1, batch(shards[1]!.slice(1)));
    assembler.end(0);
    assembler.end(1);

    expect(assembler.files.map((f) => f.relPath)).toEqual(all);
    expect(assembler.files.map((f) => f.absPath)).toEqual(all.map((p) => `/srv/docs/${p}`));
  });

  it('takes one shard alone as it arrives', () => {
    const assembler = new FoundAssembler(1, context());
    assembler.add(0, batch(['a.md', 'b.md']));
    expect(assembler.files.map((f) => f.relPath)).toEqual(['a.md', 'b.md']);
    assembler.end(0);
    expect(assembler.files).toHaveLength(2);
  });

  it('splits names over shards evenly and always the same way', () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `f${String(i % 100).padStart(2, '0')}-${i}.md`);
    const counts = [0, 0];
    for (const name of names) counts[shardOfName(name, 2)]! += 1;
    expect(Math.min(...counts) / names.length).toBeGreaterThan(0.45);
    expect(names.every((name) => shardOfName(name, 2) === shardOfName(name, 2) && shardOfName(name, 1) === 0)).toBe(true);
    const short = Array.from({ length: 100 }, (_, i) => `f${String(i).padStart(2, '0')}.md`).map((n) => shardOfName(n, 2));
    expect(short.filter((s) => s === 0).length).toBeGreaterThan(30);
    expect(short.filter((s) => s === 1).length).toBeGreaterThan(30);
  });
});

describe('FoundAssembler: reusing the previous scan', () => {
  function scan(paths: string[], ctx: AssembleContext, stat?: (path: string) => number[]): FoundFile[] {
    const assembler = new FoundAssembler(1, ctx);
    assembler.add(0, batch(paths, stat));
    assembler.end(0);
    return assembler.files;
  }

  it('hands back the same object for a file whose numbers and change flag are unchanged, a new one otherwise', () => {
    const paths = ['a.md', 'b/c.md', 'd.md', 'e.md'];
    const known = new Map(paths.map((p) => [p, { size: p.length, mtimeMs: 1000 + p.length }]));
    const previous = scan(paths, context({ known }));
    expect(previous.every((f) => !f.changed)).toBe(true);

    // b/c.md grew, d.md is gone, a0.md is new, e.md was replaced by another inode.
    const next = scan(['a.md', 'a0.md', 'b/c.md', 'e.md'], context({ known, previous }), (p) => {
      const base = defaultStat(p);
      if (p === 'b/c.md') return [99, base[1]!, 7, base[3]!];
      if (p === 'e.md') return [base[0]!, base[1]!, 7, 555];
      return base;
    });

    expect(next.map((f) => f.relPath)).toEqual(['a.md', 'a0.md', 'b/c.md', 'e.md']);
    expect(next[0]).toBe(previous[0]);
    expect(next[1]?.changed).toBe(true);
    expect(next[2]).not.toBe(previous[1]);
    expect(next[2]).toMatchObject({ size: 99, changed: true });
    expect(next[3]).not.toBe(previous[3]);
    expect(next[3]).toMatchObject({ ino: 555, changed: false });
  });

  it('does not reuse an object whose change flag would differ (the store learnt of the file since)', () => {
    const previous = scan(['a.md'], context());
    expect(previous[0]?.changed).toBe(true);
    const known = new Map([['a.md', { size: 4, mtimeMs: 1004 }]]);
    const next = scan(['a.md'], context({ known, previous }));
    expect(next[0]).not.toBe(previous[0]);
    expect(next[0]?.changed).toBe(false);
    expect(scan(['a.md'], context({ known, previous: next }))[0]).toBe(next[0]);
  });
});
