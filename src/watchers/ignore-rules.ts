/**
 * Which paths of a source are documents. Shared by the scanner and the watcher so that a file
 * the daemon reacts to is exactly a file the catch-up scan would have found, and vice versa.
 *
 * Rules, in order:
 *  1. Always ignored, at any depth and for files and folders alike: dot names (`.git`, `.DS_Store`,
 *     `.~lock.x.odt#`), Office owner files `~$*`, and partial downloads or temporary files
 *     `*.part`, `*.crdownload`, `*.tmp` (extension compared case-insensitively).
 *  2. `exclude` globs: a glob that matches a folder excludes everything below it, like .gitignore.
 *  3. `include` globs apply to files only (folders are always descended into).
 * Globs are picomatch globs over the POSIX path relative to the source root, with `dot: false`.
 */
import picomatch from 'picomatch';
import type { SourceConfig } from '../config/types.js';

const IGNORED_SUFFIXES = ['.part', '.crdownload', '.tmp'] as const;

export function isAlwaysIgnoredName(name: string): boolean {
  if (name.startsWith('.') || name.startsWith('~$')) return true;
  const lower = name.toLowerCase();
  return IGNORED_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

export type PathKind = 'file' | 'dir' | 'unknown';

export interface SourceFilter {
  /**
   * For a walk that has already accepted every ancestor folder: may it descend into this folder?
   * Only the last segment and the exclude globs are checked.
   */
  acceptsDir(relPath: string, name: string): boolean;
  /** For a walk that has already accepted every ancestor folder: is this file a document? */
  acceptsFile(relPath: string, name: string): boolean;
  /**
   * For a path reached without walking (a watcher event): checks every segment. With kind
   * `unknown` only what holds for files and folders alike is decided; include globs are not.
   */
  acceptsPath(relPath: string, kind: PathKind): boolean;
}

export function createSourceFilter(source: Pick<SourceConfig, 'include' | 'exclude'>): SourceFilter {
  const options = { dot: false };
  const included = compile(source.include, options, false);
  const excluded = compile(source.exclude, options, false);

  const filter: SourceFilter = {
    acceptsDir: (relPath, name) => !isAlwaysIgnoredName(name) && !excluded(relPath),
    acceptsFile: (relPath, name) => !isAlwaysIgnoredName(name) && !excluded(relPath) && included(relPath),
    acceptsPath(relPath, kind) {
      if (relPath === '') return kind !== 'file';
      const segments = relPath.split('/');
      let prefix = '';
      for (const segment of segments) {
        prefix = prefix === '' ? segment : `${prefix}/${segment}`;
        if (segment === '' || segment === '..' || isAlwaysIgnoredName(segment) || excluded(prefix)) return false;
      }
      return kind === 'file' ? included(relPath) : true;
    },
  };
  return Object.freeze(filter);
}

/** `**` and `**\/*` (the default include) match every path without a dot segment. */
const MATCH_ALL = new Set(['**', '**/*']);

/**
 * Every path these matchers see has had each segment checked against rule 1 already (dot names
 * included), so a glob list holding a match-all glob needs no glob test per path.
 */
function compile(globs: readonly string[], options: picomatch.PicomatchOptions, whenEmpty: boolean) {
  if (globs.length === 0) return () => whenEmpty;
  if (globs.some((glob) => MATCH_ALL.has(glob))) return () => true;
  return picomatch([...globs], options);
}
