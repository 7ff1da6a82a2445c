/**
 * The stat-only walk under one source root, synchronous: folders are listed whole with
 * `readdirSync(withFileTypes)`, accepted files are `lstatSync`ed, nothing is opened for reading.
 * Synchronous calls skip the thread-pool round trip and the promise per entry that made the
 * asynchronous walk several times slower than `find`; it runs on a worker thread (scan-thread.ts)
 * so that neither a large tree nor a hung network share stalls the daemon's event loop.
 *
 * Symbolic links are never followed, to files or folders: a link could lead out of the root, and
 * following only links that stay inside would report the same document under two paths. Folders
 * are remembered by device and inode, so a bind-mount loop ends too. Depth-first, so the stack of
 * unvisited folders stays short.
 */
import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import { sep } from 'node:path';
import type { SourceFilter } from './ignore-rules.js';
import { errorCode, fileProblem, folderProblem, rootProblem } from './scan-problems.js';

/** The walk's findings, packed for one cheap message: paths joined by NUL, numbers in arrays. */
export interface PackedWalk {
  /** relPaths (POSIX), sorted in code-unit order, joined by '\0' (which no file name holds). */
  readonly relPaths: string;
  readonly sizes: Float64Array;
  readonly mtimes: Float64Array;
  readonly problems: string[];
  /** What the walk would have logged; the caller logs it in its own thread. */
  readonly notes: WalkNote[];
}

export interface WalkNote {
  readonly level: 'warn' | 'debug';
  readonly fields: Record<string, unknown>;
  readonly msg: string;
}

const VANISHED = new Set(['ENOENT', 'ENOTDIR']);
const isVanished = (err: unknown) => VANISHED.has(errorCode(err) ?? '');
/** Debug notes beyond this are counted, not kept (a tree of a million links must not flood). */
const MAX_DEBUG_NOTES = 200;

export function walkSync(sourceName: string, root: string, filter: SourceFilter): PackedWalk {
  const found: Array<{ rel: string; size: number; mtimeMs: number }> = [];
  const problems: string[] = [];
  const notes: WalkNote[] = [];
  const visited = new Set<string>();
  const debug = (fields: Record<string, unknown>, msg: string) => {
    if (notes.length < MAX_DEBUG_NOTES) notes.push({ level: 'debug', fields, msg });
  };
  const problem = (text: string, relPath: string, err: unknown) => {
    problems.push(text);
    notes.push({ level: 'warn', fields: { path: relPath === '' ? root : relPath, code: errorCode(err) }, msg: text });
  };

  const stack: Array<{ rel: string; abs: string }> = [{ rel: '', abs: root }];
  for (let folder = stack.pop(); folder !== undefined; folder = stack.pop()) {
    let entries: Dirent[];
    try {
      const stats = lstatSync(folder.abs);
      const key = `${stats.dev}:${stats.ino}`;
      if (visited.has(key)) {
        debug({ folder: folder.rel }, 'folder already walked under another path; skipped');
        continue;
      }
      visited.add(key);
      entries = readdirSync(folder.abs, { withFileTypes: true });
    } catch (err) {
      if (folder.rel !== '' && isVanished(err)) continue;
      problem(folder.rel === '' ? rootProblem(sourceName, root, err) : folderProblem(sourceName, folder.rel, err), folder.rel, err);
      continue;
    }
    const prefix = folder.abs.endsWith(sep) ? folder.abs : `${folder.abs}${sep}`;
    for (const entry of entries) {
      const name = entry.name;
      const rel = folder.rel === '' ? name : `${folder.rel}/${name}`;
      if (entry.isDirectory()) {
        if (filter.acceptsDir(rel, name)) stack.push({ rel, abs: prefix + name });
      } else if (entry.isFile()) {
        if (!filter.acceptsFile(rel, name)) continue;
        try {
          const stats = lstatSync(prefix + name);
          // Between listing and lstat the entry may have been replaced by a link or a folder.
          if (stats.isFile()) found.push({ rel, size: stats.size, mtimeMs: stats.mtimeMs });
        } catch (err) {
          if (!isVanished(err)) problem(fileProblem(sourceName, rel, err), rel, err);
        }
      } else if (entry.isSymbolicLink() && filter.acceptsDir(rel, name)) {
        debug({ path: rel }, 'symbolic link not followed');
      }
    }
  }
  return pack(found, problems, notes);
}

function pack(found: Array<{ rel: string; size: number; mtimeMs: number }>, problems: string[], notes: WalkNote[]): PackedWalk {
  found.sort((a, b) => (a.rel === b.rel ? 0 : a.rel < b.rel ? -1 : 1));
  const sizes = new Float64Array(found.length);
  const mtimes = new Float64Array(found.length);
  found.forEach((f, i) => {
    sizes[i] = f.size;
    mtimes[i] = f.mtimeMs;
  });
  return { relPaths: found.map((f) => f.rel).join('\0'), sizes, mtimes, problems, notes };
}
