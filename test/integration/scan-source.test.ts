import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../src/config/types.js';
import { scanSource, type ScanResult } from '../../src/watchers/scan-source.js';
import { scanToChanges } from '../../src/watchers/scan-diff.js';
import { createSourceFilter } from '../../src/watchers/ignore-rules.js';
import { BATCH_FILES, walkSync, type FoundBatch } from '../../src/watchers/scan-walk-sync.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function captureLog() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

function sourceAt(path: string, overrides: Partial<SourceConfig> = {}): SourceConfig {
  return {
    name: 'docs',
    path,
    replicaUUID: '7f3c2a10-0000-4000-8000-000000000001',
    include: ['**/*'],
    exclude: [],
    mode: 'file',
    onDelete: 'delete',
    maxDeletePercent: 20,
    priority: 0,
    requireText: false,
    update: 'replace',
    ...overrides,
  };
}

async function put(root: string, relPath: string, content = 'x'): Promise<void> {
  const abs = join(root, ...relPath.split('/'));
  await mkdir(dirname(abs), { recursive: true });
  await writeFile(abs, content);
}

const paths = (result: ScanResult) => result.files.map((f) => f.relPath);

let root: string;
let outside: string;

beforeEach(async () => {
  const base = await mkdtemp(join(tmpdir(), 'scan-'));
  root = join(base, 'docs');
  outside = join(base, 'outside');
  await mkdir(root);
  await mkdir(outside);
});

afterEach(async () => {
  await chmod(root, 0o755).catch(() => undefined);
  await rm(dirname(root), { recursive: true, force: true });
});

describe('scanSource: what counts as a document', () => {
  it('finds files in nested folders with POSIX relPaths, sizes and absolute paths, sorted', async () => {
    await put(root, 'b.txt', 'hello');
    await put(root, 'a/deep/er/c.md', 'abc');
    await put(root, 'a/d.pdf', '%PDF-1.4');
    const { log } = captureLog();

    const result = await scanSource(sourceAt(root), { log });

    expect(result.complete).toBe(true);
    expect(result.problem).toBeUndefined();
    expect(paths(result)).toEqual(['a/d.pdf', 'a/deep/er/c.md', 'b.txt']);
    const c = result.files.find((f) => f.relPath === 'a/deep/er/c.md');
    expect(c).toMatchObject({ source: 'docs', absPath: join(root, 'a', 'deep', 'er', 'c.md'), size: 3, changed: true });
  });

  it('skips temporary, lock, partial and dot files and everything inside dot-folders', async () => {
    for (const name of [
      'keep.docx', '~$keep.docx', '.~lock.keep.odt#', 'movie.part', 'big.crdownload', 'scratch.tmp', 'UPPER.TMP',
      '.DS_Store', '.hidden.md', '.git/config', '.git/objects/ab/cdef', 'sub/.cache/x.md', 'sub/ok.md',
    ]) {
      await put(root, name);
    }
    const { log } = captureLog();

    const result = await scanSource(sourceAt(root), { log });

    expect(paths(result)).toEqual(['keep.docx', 'sub/ok.md']);
  });

  it('applies include globs to files and exclude globs to files and whole folders', async () => {
    for (const name of ['a.md', 'b.pdf', 'c.txt', 'notes/d.md', 'notes/e.pdf', 'archive/old.md', 'archive/2020/f.md', 'drafts/x.draft.md']) {
      await put(root, name);
    }
    const { log } = captureLog();
    const source = sourceAt(root, { include: ['**/*.md', '**/*.pdf'], exclude: ['archive', '**/*.draft.md'] });

    const result = await scanSource(source, { log });

    expect(paths(result)).toEqual(['a.md', 'b.pdf', 'notes/d.md', 'notes/e.pdf']);
  });

  it('marks only files whose size or mtime differ from what is known as changed', async () => {
    await put(root, 'same.md', 'same');
    await put(root, 'grown.md', 'grown');
    await put(root, 'touched.md', 'touched');
    await put(root, 'new.md', 'new');
    const { log } = captureLog();
    const first = await scanSource(sourceAt(root), { log });
    const known = new Map(first.files.map((f) => [f.relPath, { size: f.size, mtimeMs: f.mtimeMs }]));
    known.delete('new.md');
    known.set('grown.md', { ...known.get('grown.md')!, size: 2 });
    const later = new Date(Date.now() + 60_000);
    await utimes(join(root, 'touched.md'), later, later);

    const second = await scanSource(sourceAt(root), { log, known });

    const changed = Object.fromEntries(second.files.map((f) => [f.relPath, f.changed]));
    expect(changed).toEqual({ 'grown.md': true, 'new.md': true, 'same.md': false, 'touched.md': true });
  });

  it('hands back the previous scan\'s object for each unchanged file and a new one for a changed file', async () => {
    for (let i = 0; i < 30; i += 1) await put(root, `d${i % 3}/f${i}.md`, `file ${i}`);
    const { log } = captureLog();
    const first = await scanSource(sourceAt(root), { log });
    const known = new Map(first.files.map((f) => [f.relPath, { size: f.size, mtimeMs: f.mtimeMs, ino: f.ino }]));
    const second = await scanSource(sourceAt(root), { log, known });
    await put(root, 'd1/f1.md', 'file 1, longer now');

    const third = await scanSource(sourceAt(root), { log, known });

    expect(third.files.map((f) => f.relPath)).toEqual(second.files.map((f) => f.relPath));
    for (const [i, file] of third.files.entries()) {
      if (file.relPath === 'd1/f1.md') {
        expect(file).not.toBe(second.files[i]);
        expect(file.changed).toBe(true);
      } else {
        expect(file).toBe(second.files[i]);
      }
    }
    // Another source name over the same folder shares nothing with it.
    const other = await scanSource(sourceAt(root, { name: 'other' }), { log, known });
    expect(other.files.every((f, i) => f !== third.files[i] && f.source === 'other')).toBe(true);
  });
});

describe('scanSource: a scan that cannot see everything says so', () => {
  it('reports a missing root as incomplete, naming the source and asking about the mount', async () => {
    const missing = join(root, 'not-mounted');
    const { log, lines } = captureLog();

    const result = await scanSource(sourceAt(missing), { log });

    expect(result.complete).toBe(false);
    expect(result.files).toEqual([]);
    expect(result.problem).toBe(`source "docs": ${missing} does not exist — is the share mounted?`);
    expect(lines.some((l) => l.level === 40 && l.msg === result.problem)).toBe(true);
  });

  it('reports a root that is a file as incomplete', async () => {
    await put(root, 'file.txt');
    const { log } = captureLog();

    const result = await scanSource(sourceAt(join(root, 'file.txt')), { log });

    expect(result.complete).toBe(false);
    expect(result.problem).toMatch(/file\.txt is not a folder/);
  });

  it('reports an unreadable subfolder as incomplete and names it in a warning', async (ctx) => {
    await put(root, 'open/a.md');
    await put(root, 'locked/b.md');
    await chmod(join(root, 'locked'), 0o000);
    const blocked = await readdir(join(root, 'locked')).then(() => false, () => true);

    if (blocked) {
      const { log, lines } = captureLog();
      const result = await scanSource(sourceAt(root), { log });
      expect(result.complete).toBe(false);
      expect(result.problem).toMatch(/^source "docs": folder "locked" cannot be read \(permission denied\)/);
      expect(paths(result)).toEqual(['open/a.md']);
      expect(lines.some((l) => l.level === 40 && String(l.msg).includes('"locked"'))).toBe(true);
      return;
    }
    // Root reads through chmod 000; run the scan as an unprivileged user instead, if we can.
    const child = await scanAsNobody(root);
    if (child === undefined) return ctx.skip('running as root, and cannot run a child as uid 65534: chmod cannot make a folder unreadable');
    expect(child.complete).toBe(false);
    expect(child.problem).toMatch(/^source "docs": folder "locked" cannot be read \(permission denied\)/);
    expect(child.files).toEqual(['open/a.md']);
  });
});

describe('scanSource: symbolic links', () => {
  it('does not follow a link that leads out of the root, to a file or a folder', async () => {
    await put(outside, 'secret.md');
    await put(outside, 'tree/more.md');
    await put(root, 'inside.md');
    await symlink(join(outside, 'secret.md'), join(root, 'secret-link.md'));
    await symlink(join(outside, 'tree'), join(root, 'tree-link'));
    const { log, lines } = captureLog();

    const result = await scanSource(sourceAt(root), { log });

    expect(result.complete).toBe(true);
    expect(paths(result)).toEqual(['inside.md']);
    expect(lines.filter((l) => l.msg === 'symbolic link not followed').map((l) => l.path).sort()).toEqual(['secret-link.md', 'tree-link']);
  });

  it('terminates on a link cycle and reports each real file once', async () => {
    await put(root, 'a/b/file.md');
    await symlink(join(root, 'a'), join(root, 'a', 'b', 'loop'));
    await symlink('..', join(root, 'a', 'up'));
    const { log } = captureLog();

    const result = await scanSource(sourceAt(root), { log });

    expect(result.complete).toBe(true);
    expect(paths(result)).toEqual(['a/b/file.md']);
  });
});

describe('scanSource: control', () => {
  it('rejects with the abort reason when aborted', async () => {
    for (let i = 0; i < 50; i += 1) await put(root, `d${i % 5}/f${i}.md`);
    const { log } = captureLog();
    const controller = new AbortController();
    const reason = new Error('shutting down');

    const scanning = scanSource(sourceAt(root), { log, signal: controller.signal });
    controller.abort(reason);

    await expect(scanning).rejects.toBe(reason);
  });

  it('walks a wider tree and finds every file', async () => {
    const expected: string[] = [];
    for (let d = 0; d < 20; d += 1) {
      for (let f = 0; f < 30; f += 1) expected.push(`dir${String(d).padStart(2, '0')}/sub/f${String(f).padStart(2, '0')}.txt`);
    }
    await Promise.all(expected.map((p) => put(root, p)));
    const { log } = captureLog();

    const result = await scanSource(sourceAt(root), { log });

    expect(paths(result)).toEqual(expected.sort());
  });

  it('lists in relPath order where a folder and its siblings share a prefix, across batches of the walk thread', async () => {
    // '-' and '.' sort before '/': a-b.md and a.md come before a/…, which comes before a0.md.
    const tricky = ['a-b.md', 'a.md', 'a/x.md', 'a/y/z.md', 'a0.md', 'a b/c.md', 'B.md', 'é.md'];
    // More files than one batch (BATCH_FILES), in one folder and spread over two.
    const many = Array.from({ length: BATCH_FILES + 7 }, (_, i) => `m${i % 2}/f${i}.md`);
    await Promise.all([...tricky, ...many].map((p) => put(root, p)));
    const { log } = captureLog();

    const result = await scanSource(sourceAt(root), { log });

    const codeUnitOrder = [...tricky, ...many].sort((a, b) => (a === b ? 0 : a < b ? -1 : 1));
    expect(paths(result)).toEqual(codeUnitOrder);
    // The walk itself emits in that order, batch after batch (scanSource's sort has nothing to do).
    const batches: FoundBatch[] = [];
    const end = walkSync('docs', root, createSourceFilter(sourceAt(root)), (batch) => batches.push({ ...batch, stats: batch.stats.slice() }));
    expect(end.problems).toEqual([]);
    expect(batches.map((b) => b.relPaths.split('\0').length)).toEqual([BATCH_FILES, tricky.length + 7]);
    expect(batches.flatMap((b) => b.relPaths.split('\0'))).toEqual(codeUnitOrder);
    expect(new Set(result.files.map((f) => f.absPath)).size).toBe(codeUnitOrder.length);
    expect(result.files.every((f) => f.absPath === join(root, ...f.relPath.split('/')) && f.ino > 0 && f.changed)).toBe(true);
  });
});

describe('walkSync: shards', () => {
  it('splits the files of a tree between two shards by name: each file in exactly one, each shard in relPath order', async () => {
    const all = Array.from({ length: 300 }, (_, i) => `d${i % 7}/s${i % 2}/f${String(i).padStart(3, '0')}.md`);
    await Promise.all(all.map((p) => put(root, p)));
    const filter = createSourceFilter(sourceAt(root));
    const walk = (shard?: { index: number; count: number }) => {
      const found: string[] = [];
      walkSync('docs', root, filter, (batch) => found.push(...batch.relPaths.split('\0')), shard);
      return found;
    };

    const whole = walk();
    const [zero, one] = [walk({ index: 0, count: 2 }), walk({ index: 1, count: 2 })];

    expect(whole).toEqual([...all].sort());
    expect(zero.length).toBeGreaterThan(100);
    expect(one.length).toBeGreaterThan(100);
    expect([...zero, ...one].sort()).toEqual(whole);
    expect(zero).toEqual([...zero].sort());
    expect(one).toEqual([...one].sort());
  });
});

describe('scanToChanges', () => {
  it('turns a complete scan into upserts for changed files and removes for vanished known paths', async () => {
    await put(root, 'kept.md');
    await put(root, 'new.md');
    const { log } = captureLog();
    const first = await scanSource(sourceAt(root), { log });
    const kept = first.files.find((f) => f.relPath === 'kept.md')!;
    const known = new Map([['kept.md', { size: kept.size, mtimeMs: kept.mtimeMs }], ['gone.md', { size: 1, mtimeMs: 1 }]]);

    const result = await scanSource(sourceAt(root), { log, known });
    const events = scanToChanges(result, known.keys(), (rel) => join(root, rel));

    expect(events).toEqual([
      { type: 'upsert', source: 'docs', relPath: 'new.md', absPath: join(root, 'new.md') },
      { type: 'remove', source: 'docs', relPath: 'gone.md', absPath: join(root, 'gone.md') },
    ]);
  });

  it('never turns an incomplete scan into removes', async () => {
    const { log } = captureLog();
    const result = await scanSource(sourceAt(join(root, 'unmounted')), { log });

    expect(scanToChanges(result, ['a.md', 'b.md'], (rel) => rel)).toEqual([]);
  });
});

interface ChildScan {
  complete: boolean;
  problem?: string;
  files: string[];
}

/** Runs scanSource in a child process as uid 65534, or returns undefined when that is impossible. */
async function scanAsNobody(sourceRoot: string): Promise<ChildScan | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  // The child must be able to reach the tree.
  await chmod(dirname(sourceRoot), 0o755);
  await chmod(sourceRoot, 0o755);
  for (const folder of ['open']) await chmod(join(sourceRoot, folder), 0o755);
  const code = `
    const { scanSource } = await import(${JSON.stringify(join(repoRoot, 'src/watchers/scan-source.ts'))});
    const { pino } = await import('pino');
    const source = ${JSON.stringify(sourceAt(sourceRoot))};
    const r = await scanSource(source, { log: pino({ level: 'silent' }) });
    process.stdout.write(JSON.stringify({ complete: r.complete, problem: r.problem, files: r.files.map((f) => f.relPath) }));
  `;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: repoRoot,
    uid: 65534,
    gid: 65534,
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (run.status !== 0 || run.error !== undefined) return undefined;
  return JSON.parse(run.stdout) as ChildScan;
}
