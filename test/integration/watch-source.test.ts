/**
 * The watcher against a real temp folder, run twice like chokidar's own suite: with native
 * notifications and with polling. Waits are bounded polls for an expected event; "nothing else
 * happened" is checked after a sentinel event or a settle period, never by measuring speed.
 */
import { mkdir, mkdtemp, open, rename, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../src/config/types.js';
import type { ChangeEvent } from '../../src/watchers/change-event.js';
import type { WatchError } from '../../src/watchers/errors.js';
import { createSourceWatcher, type SourceWatcher, type SourceWatcherOptions } from '../../src/watchers/source-watcher.js';

const log = pino({ level: 'silent' });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sourceAt(path: string, overrides: Partial<SourceConfig> = {}): SourceConfig {
  return {
    name: 'drop',
    path,
    replicaUUID: '7f3c2a10-0000-4000-8000-000000000002',
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

async function waitFor(check: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(20);
  }
}

/** One line per thing that happened, in order: file events and the test's own marks. */
type Record = { kind: 'event'; event: ChangeEvent; sizeOnDisk: number | null } | { kind: 'mark'; label: string };

const modes = [
  { mode: 'native', usePolling: false },
  { mode: 'polling', usePolling: true },
] as const;

describe.each(modes)('createSourceWatcher ($mode)', ({ usePolling }) => {
  let root: string;
  let watcher: SourceWatcher | undefined;
  let history: Record[];

  const events = () => history.flatMap((r) => (r.kind === 'event' ? [r.event] : []));
  const eventsFor = (relPath: string) => events().filter((e) => e.relPath === relPath);

  async function start(overrides: Partial<SourceWatcherOptions> = {}, source = sourceAt(root)): Promise<SourceWatcher> {
    const w = createSourceWatcher({
      sources: [source],
      awaitWriteFinishMs: 300,
      debounceMs: 50,
      log,
      usePolling,
      pollingIntervalMs: 50,
      ...overrides,
    });
    watcher = w;
    w.on('change', (event) => {
      // Record the size when the event arrives: a slow copy must be reported complete.
      const entry: Record = { kind: 'event', event, sizeOnDisk: null };
      history.push(entry);
      void stat(event.absPath).then((s) => (entry.sizeOnDisk = s.size), () => undefined);
    });
    await w.whenReady();
    return w;
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'watch-'));
    history = [];
    watcher = undefined;
  });

  afterEach(async () => {
    await watcher?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('reports a file written slowly in chunks exactly once, after the last chunk, complete', async () => {
    await start({ awaitWriteFinishMs: 500 });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const handle = await open(join(root, 'slow.pdf'), 'w');
    // 7 chunks 250 ms apart: ~1.5 s of writing, each gap well inside the 500 ms threshold.
    for (let i = 0; i < 7; i += 1) {
      await handle.write(chunk);
      await handle.sync();
      if (i < 6) await pause(250);
    }
    await handle.close();
    history.push({ kind: 'mark', label: 'last chunk written' });

    await waitFor(() => eventsFor('slow.pdf').length > 0, 'the upsert of slow.pdf');
    await pause(900);

    const upserts = history.filter((r) => r.kind === 'event' && r.event.relPath === 'slow.pdf');
    expect(upserts).toHaveLength(1);
    const markAt = history.findIndex((r) => r.kind === 'mark');
    expect(history.indexOf(upserts[0]!)).toBeGreaterThan(markAt);
    expect(upserts[0]).toMatchObject({
      event: { type: 'upsert', source: 'drop', relPath: 'slow.pdf', absPath: join(root, 'slow.pdf') },
      sizeOnDisk: 7 * chunk.length,
    });
  });

  it('reports a deleted file as a remove', async () => {
    await writeFile(join(root, 'there.md'), 'before the watcher');
    await start();

    await unlink(join(root, 'there.md'));
    await waitFor(() => eventsFor('there.md').length > 0, 'the remove of there.md');

    expect(eventsFor('there.md')).toEqual([{ type: 'remove', source: 'drop', relPath: 'there.md', absPath: join(root, 'there.md') }]);
  });

  it('reports the files of a removed folder as removes', async () => {
    await mkdir(join(root, 'old', 'deep'), { recursive: true });
    await writeFile(join(root, 'old', 'a.md'), 'a');
    await writeFile(join(root, 'old', 'deep', 'b.md'), 'b');
    await start();

    await rm(join(root, 'old'), { recursive: true });
    await waitFor(() => eventsFor('old/a.md').length > 0 && eventsFor('old/deep/b.md').length > 0, 'the removes under old/');

    expect(eventsFor('old/a.md')).toMatchObject([{ type: 'remove' }]);
    expect(eventsFor('old/deep/b.md')).toMatchObject([{ type: 'remove' }]);
  });

  it('reports a file moved into place from a hidden temporary name (rsync-style) once', async () => {
    await start();

    await writeFile(join(root, '.report.pdf.Xy12ab'), Buffer.alloc(32 * 1024, 'p'));
    await rename(join(root, '.report.pdf.Xy12ab'), join(root, 'report.pdf'));
    await waitFor(() => eventsFor('report.pdf').length > 0, 'the upsert of report.pdf');
    await pause(600);

    expect(events()).toEqual([{ type: 'upsert', source: 'drop', relPath: 'report.pdf', absPath: join(root, 'report.pdf') }]);
  });

  it('reports files in a folder created after start with POSIX relPaths', async () => {
    await start();

    await mkdir(join(root, 'new', 'deeper'), { recursive: true });
    await pause(150);
    await writeFile(join(root, 'new', 'deeper', 'doc.md'), '# hi');
    await waitFor(() => eventsFor('new/deeper/doc.md').length > 0, 'the upsert of new/deeper/doc.md');

    expect(eventsFor('new/deeper/doc.md')).toEqual([
      { type: 'upsert', source: 'drop', relPath: 'new/deeper/doc.md', absPath: join(root, 'new', 'deeper', 'doc.md') },
    ]);
  });

  it('says nothing about ignored, excluded, non-included names or symlinks', async () => {
    await mkdir(join(root, 'archive'));
    await mkdir(join(root, '.git'));
    await writeFile(join(tmpdir(), `outside-${process.pid}.md`), 'outside');
    await start({}, sourceAt(root, { include: ['**/*.md', '**/*.docx'], exclude: ['archive'] }));

    for (const name of ['~$report.docx', '.~lock.report.docx#', 'film.part', 'get.crdownload', 'x.tmp', '.hidden.md', '.git/HEAD.md', 'archive/old.md', 'image.png']) {
      await writeFile(join(root, ...name.split('/')), 'ignored');
    }
    await symlink(join(tmpdir(), `outside-${process.pid}.md`), join(root, 'link.md'));
    await pause(100);
    await writeFile(join(root, 'sentinel.md'), 'last');
    await waitFor(() => eventsFor('sentinel.md').length > 0, 'the sentinel');
    await pause(500);
    await rm(join(tmpdir(), `outside-${process.pid}.md`), { force: true });

    expect(events().map((e) => e.relPath)).toEqual(['sentinel.md']);
  });

  it('stops reporting after close(), and ends its event iterator', async () => {
    const w = await start({ awaitWriteFinishMs: 100 });
    const iterator = w.events();
    await writeFile(join(root, 'before.md'), 'one');
    const first = await iterator.next();
    expect(first).toEqual({ done: false, value: expect.objectContaining({ relPath: 'before.md', type: 'upsert' }) });

    await w.close();
    await writeFile(join(root, 'after.md'), 'two');
    await unlink(join(root, 'before.md'));
    await pause(500);

    expect(events().map((e) => e.relPath)).toEqual(['before.md']);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });
});

describe('createSourceWatcher: several sources', () => {
  it('names the source of each event, and reports a linked root under its configured path', async () => {
    const base = await mkdtemp(join(tmpdir(), 'watch-multi-'));
    await mkdir(join(base, 'real-b'));
    await mkdir(join(base, 'a'));
    await symlink(join(base, 'real-b'), join(base, 'b'));
    const seen: ChangeEvent[] = [];
    const w = createSourceWatcher({
      sources: [{ ...sourceAt(join(base, 'a')), name: 'alpha' }, { ...sourceAt(join(base, 'b')), name: 'beta' }],
      awaitWriteFinishMs: 100,
      debounceMs: 20,
      log,
    });
    w.on('change', (event) => seen.push(event));
    try {
      await w.whenReady();
      await writeFile(join(base, 'a', 'one.md'), '1');
      await writeFile(join(base, 'real-b', 'two.md'), '2');
      await waitFor(() => seen.length >= 2, 'both events');

      expect(seen.sort((x, y) => x.source.localeCompare(y.source))).toEqual([
        { type: 'upsert', source: 'alpha', relPath: 'one.md', absPath: join(base, 'a', 'one.md') },
        { type: 'upsert', source: 'beta', relPath: 'two.md', absPath: join(base, 'b', 'two.md') },
      ]);
    } finally {
      await w.close();
      await rm(base, { recursive: true, force: true });
    }
  });
});

describe('createSourceWatcher: sources that are not there', () => {
  it('reports a missing source folder as an error event and still becomes ready', async () => {
    const base = await mkdtemp(join(tmpdir(), 'watch-missing-'));
    const missing = join(base, 'not-mounted');
    const errors: WatchError[] = [];
    const w = createSourceWatcher({ sources: [sourceAt(missing)], awaitWriteFinishMs: 100, log });
    w.on('error', (error) => errors.push(error));
    try {
      await w.whenReady();
      await waitFor(() => errors.length > 0, 'the error event');
      expect(errors[0]).toMatchObject({ code: 'SOURCE_UNAVAILABLE', source: 'drop', path: missing, osCode: 'ENOENT' });
      expect(errors[0]?.message).toBe(`source "drop": ${missing} does not exist — is the share mounted?; watching for it to appear`);
    } finally {
      await w.close();
      await rm(dirname(missing), { recursive: true, force: true });
    }
  });

  it('is ready at once with no sources', async () => {
    const w = createSourceWatcher({ sources: [], awaitWriteFinishMs: 0, log });
    await w.whenReady();
    await w.close();
  });
});
