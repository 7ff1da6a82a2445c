/**
 * The one-shot scan of a source: which documents exist now, and which of them differ (by size
 * or mtime) from what the caller already knows. Stat-only; nothing is read, so an unchanged
 * tree of 100,000 files costs one lstat each.
 *
 * A scan that could not see everything says so (`complete: false` with a `problem`): the planner
 * then deletes nothing for the source, because a missing share or an unreadable folder must
 * never look like deleted files.
 */
import { stat } from 'node:fs/promises';
import type { SourceConfig } from '../config/types.js';
import { createSourceFilter } from './ignore-rules.js';
import { notAFolderProblem, rootProblem, summariseProblems } from './scan-problems.js';
import type { FoundFile, ScanOptions, ScanResult } from './scan-types.js';
import { walkSource } from './scan-walk.js';

export type { FoundFile, KnownStat, ScanOptions, ScanResult } from './scan-types.js';

export async function scanSource(source: SourceConfig, options: ScanOptions): Promise<ScanResult> {
  const log = options.log.child({ component: 'scanner', source: source.name });
  options.signal?.throwIfAborted();

  const rootIssue = await checkRoot(source);
  if (rootIssue !== undefined) {
    log.warn({ path: source.path }, rootIssue);
    return incomplete(source.name, [rootIssue]);
  }

  const walked = await walkSource({
    sourceName: source.name,
    root: source.path,
    filter: createSourceFilter(source),
    known: options.known,
    log,
    signal: options.signal,
    concurrency: options.concurrency,
  });
  const files = walked.files.sort(byRelPath);

  const complete = walked.problems.length === 0;
  log.debug({ files: files.length, complete }, 'scan finished');
  const problem = summariseProblems(walked.problems);
  return {
    source: source.name,
    complete,
    ...(problem === undefined ? {} : { problem }),
    problems: walked.problems,
    files,
  };
}

async function checkRoot(source: SourceConfig): Promise<string | undefined> {
  try {
    // stat, not lstat: a root that is itself a link to a folder (a mount point alias) is fine.
    const stats = await stat(source.path);
    return stats.isDirectory() ? undefined : notAFolderProblem(source.name, source.path);
  } catch (err) {
    return rootProblem(source.name, source.path, err);
  }
}

function incomplete(source: string, problems: string[]): ScanResult {
  return { source, complete: false, problem: summariseProblems(problems) ?? '', problems, files: [] };
}

function byRelPath(a: FoundFile, b: FoundFile): number {
  if (a.relPath === b.relPath) return 0;
  return a.relPath < b.relPath ? -1 : 1;
}
