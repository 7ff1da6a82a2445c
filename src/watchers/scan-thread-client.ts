/**
 * Runs the synchronous walk of one source on worker threads and turns the batches they post into
 * FoundFiles on this thread as they arrive, while the threads walk on, so the event loop never
 * waits long for a scan: not for a slow disk (the walk blocks only its own thread), and not for
 * 100,000 files (a batch of a thousand is a few ms). On a machine with two cores or more the walk
 * is split in two shards by file name (each lists every folder, each lstats half the files), so
 * a rescan takes about half the wall time; a small tree (under SHARD_MIN_FILES last time) is one
 * shard. Aborting terminates the threads and rejects with the signal's reason. A thread that
 * finished a walk is kept for the next scan (another source, the next pass) and exits after
 * IDLE_EXIT_MS without one: starting a thread and loading the walk costs ~90 ms of CPU.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { SourceConfig } from '../config/types.js';
import { FoundAssembler } from './scan-assemble.js';
import type { FoundFile, KnownStat } from './scan-types.js';
import type { FoundBatch, WalkEnd, WalkNote, WalkShard } from './scan-walk-sync.js';

export type ScanThreadInput = Pick<SourceConfig, 'include' | 'exclude'> & { sourceName: string; root: string; shard: WalkShard };

export interface ThreadWalkOptions {
  readonly sourceName: string;
  readonly root: string;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly known: ReadonlyMap<string, KnownStat> | undefined;
  /** The previous scan's files of this source and root, in relPath order: equal ones are reused. */
  readonly previous: readonly FoundFile[] | undefined;
  readonly log: Logger;
  readonly signal?: AbortSignal | undefined;
}

export type ScanThreadMessage = ({ type: 'files' } & FoundBatch) | ({ type: 'end' } & WalkEnd);

/** Shards at most: the walk is bound by lstat calls, one core each. */
const MAX_SHARDS = 2;
/** A tree that had fewer files than this is walked by one thread: a second would cost more than it saves. */
export const SHARD_MIN_FILES = 2000;

export async function walkInThread(options: ThreadWalkOptions): Promise<{ files: FoundFile[]; problems: string[] }> {
  options.signal?.throwIfAborted();
  const count = shardCount(options.previous);
  const assembler = new FoundAssembler(count, options);
  const stop = linkedAbort(options.signal);
  const walks = Array.from({ length: count }, (_, index) => {
    const input: ScanThreadInput = { sourceName: options.sourceName, root: options.root, include: [...options.include], exclude: [...options.exclude], shard: { index, count } };
    return runThread(input, stop.signal, (batch) => assembler.add(index, batch)).then(
      (end) => (assembler.end(index), end),
      (err: unknown) => {
        stop.abort(err);
        throw err;
      },
    );
  });
  const ends = await Promise.all(walks).finally(stop.unlink);
  for (const note of mergedNotes(ends)) options.log[note.level](note.fields, note.msg);
  options.signal?.throwIfAborted();
  return { files: assembler.files, problems: unique(ends.flatMap((end) => end.problems)) };
}

function shardCount(previous: readonly FoundFile[] | undefined): number {
  if (previous !== undefined && previous.length < SHARD_MIN_FILES) return 1;
  return Math.max(1, Math.min(MAX_SHARDS, availableParallelism()));
}

/**
 * Aborted with the caller's signal, or by the first shard that fails (the others are then
 * stopped). `unlink` when the walk is over: a daemon's signal lives long and must not gather a
 * listener per scan.
 */
function linkedAbort(signal: AbortSignal | undefined): { signal: AbortSignal; abort: (reason: unknown) => void; unlink: () => void } {
  const stop = new AbortController();
  const follow = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', follow, { once: true });
  return { signal: stop.signal, abort: (reason) => stop.abort(reason), unlink: () => signal?.removeEventListener('abort', follow) };
}

/** Every shard lists every folder, so a folder's problem or note comes once from each: kept once. */
function unique(items: string[]): string[] {
  return [...new Set(items)];
}

function mergedNotes(ends: readonly WalkEnd[]): WalkNote[] {
  const seen = new Set<string>();
  return ends.flatMap((end) => end.notes).filter((note) => {
    const key = JSON.stringify([note.level, note.msg, note.fields]);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** A thread left idle this long exits; the next scan starts another. */
const IDLE_EXIT_MS = 10_000;

type ScanThread = { worker: Worker; idleExit?: NodeJS.Timeout };

/** Threads done with a walk, kept for the next scan (another source, the next pass). */
const idle: ScanThread[] = [];

/** Each batch is taken as its message arrives, while the thread walks on. */
function runThread(input: ScanThreadInput, signal: AbortSignal | undefined, take: (batch: FoundBatch) => void): Promise<WalkEnd> {
  return new Promise((resolve, reject) => {
    const thread = acquire();
    const { worker } = thread;
    let settled = false;
    const finish = (keep: boolean, fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (keep) release(thread);
      else void worker.terminate();
      fn();
    };
    const onAbort = () => finish(false, () => reject(signal?.reason));
    const onMessage = (message: ScanThreadMessage) => {
      if (message.type === 'files') take(message);
      else finish(true, () => resolve(message));
    };
    const onError = (error: Error) => finish(false, () => reject(error));
    const onExit = (code: number) => finish(false, () => reject(new Error(`the scan thread exited (code ${code}) without an answer`)));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.postMessage(input);
  });
}

/** An idle thread, or a new one; it keeps the process alive while it walks. */
function acquire(): ScanThread {
  const thread = idle.pop() ?? newThread();
  clearTimeout(thread.idleExit);
  thread.worker.ref();
  return thread;
}

function newThread(): ScanThread {
  const thread: ScanThread = { worker: startWorker() };
  // A walk's own listeners report its failure; an idle thread that fails is only dropped.
  thread.worker.on('error', () => undefined);
  thread.worker.on('exit', () => dropIdle(thread));
  return thread;
}

function dropIdle(thread: ScanThread): void {
  const at = idle.indexOf(thread);
  if (at !== -1) idle.splice(at, 1);
}

/** Back to the idle list: it no longer keeps the process alive, and exits if not used again soon. */
function release(thread: ScanThread): void {
  thread.worker.unref();
  idle.push(thread);
  // Out of the idle list before terminating: the exit event comes later, and a scan that starts in
  // between (the timer fired late, after a long synchronous stretch) must not take a dying thread.
  thread.idleExit = setTimeout(() => {
    dropIdle(thread);
    void thread.worker.terminate();
  }, IDLE_EXIT_MS);
  thread.idleExit.unref();
}

/** Compiled: scan-thread.js directly. From TypeScript sources (tests, tsx): through tsx's loader. */
function startWorker(): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const script = new URL(fromSource ? './scan-thread.ts' : './scan-thread.js', import.meta.url);
  if (!fromSource) return new Worker(script);
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(boot, { eval: true });
}
