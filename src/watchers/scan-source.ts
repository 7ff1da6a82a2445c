/**
 * The one-shot scan of a source: which documents exist now, and which of them differ (by size
 * or mtime) from what the caller already knows. Stat-only; nothing is read, so an unchanged
 * tree of 100,000 files costs one lstat each, made synchronously on a worker thread
 * (scan-thread-client.ts) while this thread's event loop stays free.
 *
 * A scan that could not see everything says so (`complete: false` with a `problem`): the planner
 * then deletes nothing for the source, because a missing share or an unreadable folder must
 * never look like deleted files.
 */
import { stat } from 'node:fs/promises';
import type { SourceConfig } from '../config/types.js';
import { notAFolderProblem, rootProblem, summariseProblems } from './scan-problems.js';
import type { FoundFile, ScanOptions, ScanResult } from './scan-types.js';
import { walkInThread } from './scan-thread-client.js';

export type { FoundFile, KnownStat, ScanOptions, ScanResult } from './scan-types.js';

/**
 * Each source's files from its last scan, by source name and root: the next scan hands back the
 * same objects for files that did not change (scan-assemble.ts), so an unchanged rescan does not
 * churn the heap. Costs the memory of one result per source between scans (~240 B a file; the
 * caller usually holds the same objects anyway while it works on them).
 */
const lastFiles = new Map<string, readonly FoundFile[]>();

export async function scanSource(source: SourceConfig, options: ScanOptions): Promise<ScanResult> {
  const log = options.log.child({ component: 'scanner', source: source.name });
  options.signal?.throwIfAborted();

  const root = await checkRoot(source);
  if (!root.ok) {
    log.warn({ path: source.path }, root.problem);
    return incomplete(source.name, [root.problem]);
  }

  const memoKey = `${source.name}\0${source.path}`;
  const walked = await walkInThread({
    sourceName: source.name,
    root: source.path,
    include: source.include,
    exclude: source.exclude,
    known: options.known,
    previous: lastFiles.get(memoKey),
    log,
    signal: options.signal,
  });
  // Sorted by the walk already: this pass is linear on sorted input, and keeps the promise.
  const files = walked.files.sort(byRelPath);
  lastFiles.set(memoKey, files);

  const complete = walked.problems.length === 0;
  log.debug({ files: files.length, complete }, 'scan finished');
  const problem = summariseProblems(walked.problems);
  return {
    source: source.name,
    complete,
    rootDevice: root.device,
    ...(problem === undefined ? {} : { problem }),
    problems: walked.problems,
    files,
  };
}

async function checkRoot(source: SourceConfig): Promise<{ ok: true; device: string } | { ok: false; problem: string }> {
  try {
    // stat, not lstat: a root that is itself a link to a folder (a mount point alias) is fine.
    // bigint: a device number may not fit a double exactly.
    const stats = await stat(source.path, { bigint: true });
    if (!stats.isDirectory()) return { ok: false, problem: notAFolderProblem(source.name, source.path) };
    return { ok: true, device: String(stats.dev) };
  } catch (err) {
    return { ok: false, problem: rootProblem(source.name, source.path, err) };
  }
}

function incomplete(source: string, problems: string[]): ScanResult {
  return { source, complete: false, problem: summariseProblems(problems) ?? '', problems, files: [] };
}

function byRelPath(a: FoundFile, b: FoundFile): number {
  if (a.relPath === b.relPath) return 0;
  return a.relPath < b.relPath ? -1 : 1;
}
