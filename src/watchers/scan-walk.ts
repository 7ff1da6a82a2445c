/**
 * The stat-only walk under one source root: folders are listed with `readdir`, accepted files are
 * `lstat`ed, nothing is opened for reading. A small scheduler keeps a bounded number of operations
 * in flight (folder handles are capped separately, so a wide tree cannot exhaust descriptors) and
 * walks depth-first, which keeps the queue of unvisited folders short.
 *
 * Everything is asynchronous on purpose: a hung network share must stall the scan, not the
 * daemon's event loop. Files are stat'ed with the callback `fs.lstat`, which costs about a quarter
 * of `fs.promises.lstat` per call (measured: 100,000 files in ~0.28 s against ~1.05 s). A folder
 * is listed with one `readdir` (file types included) rather than `opendir`'s entry-at-a-time
 * iteration: a third of the listing time (1,000 folders of 100: ~0.13 s against ~0.3–0.4 s), for
 * holding one folder's names at once (a 100,000-entry folder: ~10 MB, briefly).
 *
 * Symbolic links are never followed, to files or folders: a link could lead out of the root, and
 * following only links that stay inside would report the same document under two paths. Folders
 * are remembered by device and inode, so a bind-mount loop ends too.
 */
import { lstat, type Stats } from 'node:fs';
import { lstat as lstatAsync, readdir } from 'node:fs/promises';
import { sep } from 'node:path';
import type { Logger } from 'pino';
import type { SourceFilter } from './ignore-rules.js';
import { errorCode, fileProblem, folderProblem, rootProblem } from './scan-problems.js';
import type { FoundFile, KnownStat } from './scan-types.js';

export interface WalkOptions {
  readonly sourceName: string;
  readonly root: string;
  readonly filter: SourceFilter;
  readonly known: ReadonlyMap<string, KnownStat> | undefined;
  readonly log: Logger;
  readonly signal?: AbortSignal | undefined;
  /** Operations in flight at once (default 64). */
  readonly concurrency?: number | undefined;
  /** Folders open at once (default 8). */
  readonly openFolders?: number | undefined;
}

export interface WalkOutcome {
  /** In no particular order. */
  readonly files: FoundFile[];
  /** Empty when every folder and accepted file under the root was examined. */
  readonly problems: string[];
}

interface Pending {
  readonly rel: string;
  readonly abs: string;
}

/** Throws the signal's reason when aborted; every other failure is reported in `problems`. */
export function walkSource(options: WalkOptions): Promise<WalkOutcome> {
  return new Walk(options).run();
}

const VANISHED = new Set(['ENOENT', 'ENOTDIR']);
const inodeMoved = (before: KnownStat, stats: Stats) => before.ino !== undefined && before.ino !== null && before.ino !== stats.ino;
const isVanished = (err: unknown) => VANISHED.has(errorCode(err) ?? '');

class Walk {
  readonly #o: WalkOptions;
  readonly #limit: number;
  readonly #folderLimit: number;
  readonly #folders: Pending[];
  readonly #files: Pending[] = [];
  readonly #visited = new Set<string>();
  readonly #found: FoundFile[] = [];
  readonly #problems: string[] = [];
  readonly #taskDone = () => {
    this.#active -= 1;
    this.#pump();
  };
  #active = 0;
  #activeFolders = 0;
  #finish: (() => void) | undefined;

  constructor(options: WalkOptions) {
    this.#o = options;
    this.#limit = Math.max(1, options.concurrency ?? 64);
    this.#folderLimit = Math.max(1, Math.min(this.#limit, options.openFolders ?? 8));
    this.#folders = [{ rel: '', abs: options.root }];
  }

  async run(): Promise<WalkOutcome> {
    await new Promise<void>((resolve) => {
      this.#finish = resolve;
      this.#pump();
    });
    this.#o.signal?.throwIfAborted();
    return { files: this.#found, problems: this.#problems };
  }

  #pump(): void {
    const aborted = this.#o.signal?.aborted === true;
    while (!aborted && this.#active < this.#limit) {
      const file = this.#files.pop();
      if (file !== undefined) {
        this.#active += 1;
        lstat(file.abs, (err, stats) => {
          this.#fileStatted(file, err, stats);
          this.#taskDone();
        });
        continue;
      }
      if (this.#activeFolders >= this.#folderLimit) break;
      const folder = this.#folders.pop();
      if (folder === undefined) break;
      this.#active += 1;
      this.#activeFolders += 1;
      void this.#readFolder(folder).finally(() => {
        this.#activeFolders -= 1;
        this.#taskDone();
      });
    }
    if (this.#active === 0) this.#finish?.();
  }

  #fileStatted(file: Pending, err: NodeJS.ErrnoException | null, stats: Stats): void {
    if (err !== null) {
      if (!isVanished(err)) this.#problem(fileProblem(this.#o.sourceName, file.rel, err), file.rel, err);
      return;
    }
    // Between listing and lstat the entry may have been replaced by a link or a folder.
    if (!stats.isFile()) return;
    const before = this.#o.known?.get(file.rel);
    this.#found.push({
      source: this.#o.sourceName,
      relPath: file.rel,
      absPath: file.abs,
      size: stats.size,
      mtimeMs: stats.mtimeMs,
      dev: stats.dev,
      ino: stats.ino,
      changed: before === undefined || before.size !== stats.size || before.mtimeMs !== stats.mtimeMs || inodeMoved(before, stats),
    });
  }

  async #readFolder(folder: Pending): Promise<void> {
    try {
      const stats = await lstatAsync(folder.abs);
      const key = `${stats.dev}:${stats.ino}`;
      if (this.#visited.has(key)) {
        this.#o.log.debug({ folder: folder.rel }, 'folder already walked under another path; skipped');
        return;
      }
      this.#visited.add(key);
      const entries = await readdir(folder.abs, { withFileTypes: true });
      for (let i = 0; i < entries.length && this.#o.signal?.aborted !== true; i++) {
        const entry = entries[i] as (typeof entries)[number];
        this.#classify(folder, entry.name, entry);
      }
    } catch (err) {
      if (folder.rel !== '' && isVanished(err)) return;
      const text =
        folder.rel === ''
          ? rootProblem(this.#o.sourceName, this.#o.root, err)
          : folderProblem(this.#o.sourceName, folder.rel, err);
      this.#problem(text, folder.rel, err);
    }
  }

  #classify(
    folder: Pending,
    name: string,
    entry: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean },
  ): void {
    const rel = folder.rel === '' ? name : `${folder.rel}/${name}`;
    const abs = `${folder.abs}${folder.abs.endsWith(sep) ? '' : sep}${name}`;
    const { filter } = this.#o;
    if (entry.isDirectory()) {
      if (filter.acceptsDir(rel, name)) this.#folders.push({ rel, abs });
    } else if (entry.isFile()) {
      if (filter.acceptsFile(rel, name)) this.#files.push({ rel, abs });
    } else if (entry.isSymbolicLink() && filter.acceptsDir(rel, name)) {
      this.#o.log.debug({ path: rel }, 'symbolic link not followed');
    }
  }

  #problem(text: string, relPath: string, err: unknown): void {
    this.#problems.push(text);
    this.#o.log.warn({ path: relPath === '' ? this.#o.root : relPath, code: errorCode(err) }, text);
  }
}
