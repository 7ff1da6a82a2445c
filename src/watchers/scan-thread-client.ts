/**
 * Runs the synchronous walk of one source on a worker thread and turns the batches it posts into
 * FoundFiles on this thread as they arrive, while the thread walks on, so the event loop never
 * waits long for a scan: not for a slow disk (the walk blocks only its own thread), and not for
 * 100,000 files (a batch of a few thousand is a few ms). Aborting terminates the thread and
 * rejects with the signal's reason. A thread that finished a walk is kept for the next scan (another
 * source, the next pass) and exits after IDLE_EXIT_MS without one: starting a thread and loading
 * the walk costs ~90 ms of CPU, a tenth of a 100,000-file rescan.
 */
import { sep } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { SourceConfig } from '../config/types.js';
import type { FoundFile, KnownStat } from './scan-types.js';
import { STAT_FIELDS, type FoundBatch, type WalkEnd } from './scan-walk-sync.js';

export type ScanThreadInput = Pick<SourceConfig, 'include' | 'exclude'> & { sourceName: string; root: string };

export interface ThreadWalkOptions {
  readonly sourceName: string;
  readonly root: string;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly known: ReadonlyMap<string, KnownStat> | undefined;
  readonly log: Logger;
  readonly signal?: AbortSignal | undefined;
}

export type ScanThreadMessage = ({ type: 'files' } & FoundBatch) | ({ type: 'end' } & WalkEnd);

export async function walkInThread(options: ThreadWalkOptions): Promise<{ files: FoundFile[]; problems: string[] }> {
  options.signal?.throwIfAborted();
  const input: ScanThreadInput = { sourceName: options.sourceName, root: options.root, include: [...options.include], exclude: [...options.exclude] };
  const files: FoundFile[] = [];
  const end = await runThread(input, options.signal, (batch) => unpack(batch, options, files));
  for (const note of end.notes) options.log[note.level](note.fields, note.msg);
  options.signal?.throwIfAborted();
  return { files, problems: end.problems };
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
  thread.worker.on('exit', () => {
    const at = idle.indexOf(thread);
    if (at !== -1) idle.splice(at, 1);
  });
  return thread;
}

/** Back to the idle list: it no longer keeps the process alive, and exits if not used again soon. */
function release(thread: ScanThread): void {
  thread.worker.unref();
  idle.push(thread);
  thread.idleExit = setTimeout(() => void thread.worker.terminate(), IDLE_EXIT_MS);
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

/** One batch's FoundFiles, compared with what is known, appended to `files`. */
function unpack(batch: FoundBatch, options: ThreadWalkOptions, files: FoundFile[]): void {
  const relPaths = batch.relPaths.split('\0');
  const prefix = options.root.endsWith(sep) ? options.root : `${options.root}${sep}`;
  const { stats } = batch;
  for (let i = 0; i < relPaths.length; i++) {
    const relPath = relPaths[i] as string;
    const at = i * STAT_FIELDS;
    const size = stats[at] as number;
    const mtimeMs = stats[at + 1] as number;
    const ino = stats[at + 3] as number;
    const before = options.known?.get(relPath);
    files.push({
      source: options.sourceName,
      relPath,
      absPath: prefix + (sep === '/' ? relPath : relPath.split('/').join(sep)),
      size,
      mtimeMs,
      dev: stats[at + 2] as number,
      ino,
      changed: before === undefined || before.size !== size || before.mtimeMs !== mtimeMs || inodeMoved(before, ino),
    });
  }
}

const inodeMoved = (before: KnownStat, ino: number) => before.ino !== undefined && before.ino !== null && before.ino !== ino;
