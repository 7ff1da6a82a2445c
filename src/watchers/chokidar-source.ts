/**
 * One chokidar watcher for one source, translated into our terms: relPaths with `/`, upsert or
 * remove, the shared ignore rules applied both as chokidar's `ignored` (so ignored folders are
 * never watched) and again on every event (chokidar calls `ignored` without stats at times).
 */
import { realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { FSWatcher, type ChokidarOptions } from 'chokidar';
import type { Logger } from 'pino';
import type { SourceConfig } from '../config/types.js';
import type { ChangeEvent, ChangeType } from './change-event.js';
import { WatchError } from './errors.js';
import { createSourceFilter, type PathKind, type SourceFilter } from './ignore-rules.js';
import { errorCode, rootProblem } from './scan-problems.js';

export interface ChokidarSourceOptions {
  readonly source: SourceConfig;
  /** 0 turns awaitWriteFinish off. */
  readonly awaitWriteFinishMs: number;
  readonly usePolling: boolean;
  readonly pollingIntervalMs: number;
  readonly log: Logger;
  readonly onChange: (event: ChangeEvent) => void;
  readonly onReady: () => void;
  readonly onError: (error: WatchError) => void;
}

export interface ChokidarSource {
  close(): Promise<void>;
}

export function watchSource(options: ChokidarSourceOptions): ChokidarSource {
  const { source, log } = options;
  const filter = createSourceFilter(source);
  let fsw: FSWatcher | undefined;
  let closed = false;

  const started = resolveRoot(options).then((root) => {
    if (closed) return;
    fsw = new FSWatcher(chokidarOptions(options, root, filter));
    const emit = (type: ChangeType) => (path: string) => {
      const relPath = toRelPath(root, path);
      if (relPath === null || relPath === '' || !filter.acceptsPath(relPath, 'file')) return;
      const event: ChangeEvent = { type, source: source.name, relPath, absPath: join(source.path, ...relPath.split('/')) };
      log.debug({ type, path: relPath }, 'file event');
      options.onChange(event);
    };
    fsw.on('add', emit('upsert'));
    fsw.on('change', emit('upsert'));
    fsw.on('unlink', emit('remove'));
    fsw.on('ready', () => options.onReady());
    fsw.on('error', (err: unknown) => options.onError(toWatchError(source, err)));
    fsw.add(root);
  }).catch((err: unknown) => {
    // Not watching this source is reported, and must not hold back everyone's `ready`.
    options.onError(toWatchError(source, err));
    options.onReady();
  });

  return {
    async close() {
      closed = true;
      await started;
      await fsw?.close();
    },
  };
}

/**
 * chokidar watches the real folder: with `followSymlinks: false` it would treat a root that is
 * itself a link as a file. Events are still reported under the configured path.
 */
async function resolveRoot(options: ChokidarSourceOptions): Promise<string> {
  const { source } = options;
  try {
    const stats = await stat(source.path);
    if (!stats.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    return await realpath(source.path);
  } catch (err) {
    options.onError(
      new WatchError({
        code: 'SOURCE_UNAVAILABLE',
        source: source.name,
        path: source.path,
        osCode: errorCode(err),
        message: `${rootProblem(source.name, source.path, err)}; watching for it to appear`,
        cause: err,
      }),
    );
    return source.path;
  }
}

function chokidarOptions(options: ChokidarSourceOptions, root: string, filter: SourceFilter): ChokidarOptions {
  const awf = options.awaitWriteFinishMs;
  return {
    persistent: true,
    // The engine runs its own catch-up scan; the watcher only reports what happens afterwards.
    ignoreInitial: true,
    followSymlinks: false,
    usePolling: options.usePolling,
    interval: options.pollingIntervalMs,
    binaryInterval: options.pollingIntervalMs,
    awaitWriteFinish: awf > 0 ? { stabilityThreshold: awf, pollInterval: Math.min(100, awf) } : false,
    ignored: (path: string, stats?: Stats) => isIgnored(filter, root, path, stats),
  };
}

function isIgnored(filter: SourceFilter, root: string, path: string, stats: Stats | undefined): boolean {
  const relPath = toRelPath(root, path);
  // Outside the root (chokidar watching a parent for a missing root to appear): not ours to judge.
  if (relPath === null || relPath === '') return false;
  if (stats?.isSymbolicLink() === true) return true;
  let kind: PathKind = 'unknown';
  if (stats?.isFile() === true) kind = 'file';
  else if (stats?.isDirectory() === true) kind = 'dir';
  else if (stats !== undefined) return true;
  return !filter.acceptsPath(relPath, kind);
}

function toRelPath(root: string, path: string): string | null {
  const rel = relative(root, path);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return sep === '/' ? rel : rel.split(sep).join('/');
}

function toWatchError(source: SourceConfig, err: unknown): WatchError {
  const osCode = errorCode(err);
  const path = typeof err === 'object' && err !== null && 'path' in err && typeof err.path === 'string' ? err.path : source.path;
  const limit = osCode === 'ENOSPC' || osCode === 'EMFILE';
  const detail = err instanceof Error ? err.message : String(err);
  const message = limit
    ? `source "${source.name}": the system ran out of file watches (${detail}) — raise fs.inotify.max_user_watches or set usePolling`
    : `source "${source.name}": watching failed (${detail})`;
  return new WatchError({ code: limit ? 'WATCH_LIMIT' : 'WATCH_FAILED', source: source.name, path, osCode, message, cause: err });
}
