/**
 * Native watching with one `fs.watch` per folder instead of one per file (chokidar keeps both,
 * ~12 KB of memory per file: 10,000 files cost ~110 MB). A folder's watch reports every entry
 * that changes inside it; each report is only a hint: the path is `lstat`ed, a file is reported
 * once it has stopped changing for `awaitWriteFinishMs`, a vanished one as a remove, a new folder
 * is watched and its files reported. Links are never followed. A root that is not there yet is
 * left to chokidar, which watches for it to appear.
 */
import { watch, type FSWatcher } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChangeEvent, ChangeType } from './change-event.js';
import { watchSource, type ChokidarSource, type ChokidarSourceOptions } from './chokidar-source.js';
import { WatchError } from './errors.js';
import { createSourceFilter } from './ignore-rules.js';
import { errorCode } from './scan-problems.js';

type Folder = { watcher: FSWatcher; files: Set<string> };

export function watchFolders(options: ChokidarSourceOptions): ChokidarSource {
  const { source } = options;
  let closed = false;
  let fallback: ChokidarSource | undefined;
  let folders: FolderWatch | undefined;
  const started = (async () => {
    let root: string;
    try {
      if (!(await stat(source.path)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      root = await realpath(source.path);
    } catch {
      if (!closed) fallback = watchSource(options);
      return;
    }
    if (closed) return;
    folders = new FolderWatch(options, root);
    await folders.add('');
    options.onReady();
  })();
  return {
    async close() {
      closed = true;
      await started;
      folders?.close();
      await fallback?.close();
    },
  };
}

class FolderWatch {
  readonly #o: ChokidarSourceOptions;
  readonly #root: string;
  readonly #filter;
  readonly #folders = new Map<string, Folder>();
  /** Files waiting to stop changing, by relPath. */
  readonly #settling = new Map<string, NodeJS.Timeout>();
  #closed = false;

  constructor(options: ChokidarSourceOptions, root: string) {
    this.#o = options;
    this.#root = root;
    this.#filter = createSourceFilter(options.source);
  }

  /** Watches a folder and every folder below; `announce` reports the files found (a new folder). */
  async add(rel: string, announce = false): Promise<void> {
    if (this.#closed || this.#folders.has(rel)) return;
    const abs = this.#abs(rel);
    let entries;
    try {
      const watcher = watch(abs, { persistent: true }, (_event, name) => {
        if (name !== null) this.#hint(rel === '' ? String(name) : `${rel}/${String(name)}`);
      });
      watcher.on('error', (err) => this.#error(err, abs));
      this.#folders.set(rel, { watcher, files: new Set() });
      entries = await readdir(abs, { withFileTypes: true });
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') this.#error(err, abs);
      return;
    }
    const folder = this.#folders.get(rel);
    for (const entry of entries) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory() && this.#filter.acceptsDir(child, entry.name)) await this.add(child, announce);
      else if (entry.isFile() && this.#filter.acceptsFile(child, entry.name)) {
        folder?.files.add(entry.name);
        if (announce) this.#hint(child);
      }
    }
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#settling.values()) clearTimeout(timer);
    this.#settling.clear();
    for (const folder of this.#folders.values()) folder.watcher.close();
    this.#folders.clear();
  }

  /** Something happened at `rel`: look once it has been still for awaitWriteFinishMs. */
  #hint(rel: string): void {
    if (this.#closed) return;
    clearTimeout(this.#settling.get(rel));
    const wait = Math.max(this.#o.awaitWriteFinishMs, 20);
    this.#settling.set(
      rel,
      setTimeout(() => {
        this.#settling.delete(rel);
        void this.#look(rel);
      }, wait),
    );
  }

  async #look(rel: string): Promise<void> {
    if (this.#closed) return;
    const slash = rel.lastIndexOf('/');
    const parent = slash < 0 ? '' : rel.slice(0, slash);
    const name = rel.slice(slash + 1);
    let stats;
    try {
      stats = await lstat(this.#abs(rel));
    } catch {
      stats = undefined;
    }
    if (this.#closed) return;
    if (stats?.isDirectory()) {
      if (this.#filter.acceptsDir(rel, name)) await this.add(rel, true);
      return;
    }
    if (this.#folders.has(rel)) this.#dropFolder(rel);
    const files = this.#folders.get(parent)?.files;
    if (stats?.isFile() && this.#filter.acceptsFile(rel, name)) {
      files?.add(name);
      this.#emit('upsert', rel);
    } else if (files?.delete(name)) {
      this.#emit('remove', rel);
    }
  }

  /** A watched folder vanished (or became a link): its files are gone, its watches end. */
  #dropFolder(rel: string): void {
    for (const [path, folder] of [...this.#folders]) {
      if (path !== rel && !path.startsWith(`${rel}/`)) continue;
      folder.watcher.close();
      this.#folders.delete(path);
      for (const file of folder.files) this.#emit('remove', `${path}/${file}`);
    }
  }

  #emit(type: ChangeType, relPath: string): void {
    const { source } = this.#o;
    const event: ChangeEvent = { type, source: source.name, relPath, absPath: join(source.path, ...relPath.split('/')) };
    this.#o.log.debug({ type, path: relPath }, 'file event');
    this.#o.onChange(event);
  }

  #abs(rel: string): string {
    return rel === '' ? this.#root : join(this.#root, ...rel.split('/'));
  }

  #error(err: unknown, path: string): void {
    const osCode = errorCode(err);
    const limit = osCode === 'ENOSPC' || osCode === 'EMFILE';
    const detail = err instanceof Error ? err.message : String(err);
    const name = this.#o.source.name;
    const message = limit
      ? `source "${name}": the system ran out of file watches (${detail}) — raise fs.inotify.max_user_watches or set usePolling`
      : `source "${name}": watching failed (${detail})`;
    this.#o.onError(new WatchError({ code: limit ? 'WATCH_LIMIT' : 'WATCH_FAILED', source: name, path, osCode, message, cause: err }));
  }
}
