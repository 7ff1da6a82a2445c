/**
 * Runs the synchronous walk of one source on a worker thread and turns its packed answer into
 * FoundFiles on this thread in slices, yielding between them, so the event loop never waits long
 * for a scan: not for a slow disk (the walk blocks only its own thread), and not for 100,000 files
 * (the slices). Aborting terminates the thread and rejects with the signal's reason.
 */
import { sep } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { SourceConfig } from '../config/types.js';
import type { FoundFile, KnownStat } from './scan-types.js';
import type { PackedWalk } from './scan-walk-sync.js';

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

/** FoundFiles built per turn of the event loop (~a few ms each). */
const SLICE = 4096;

export async function walkInThread(options: ThreadWalkOptions): Promise<{ files: FoundFile[]; problems: string[] }> {
  options.signal?.throwIfAborted();
  const input: ScanThreadInput = { sourceName: options.sourceName, root: options.root, include: [...options.include], exclude: [...options.exclude] };
  const packed = await runThread(input, options.signal);
  for (const note of packed.notes) options.log[note.level](note.fields, note.msg);
  const files = await unpack(packed, options);
  options.signal?.throwIfAborted();
  return { files, problems: packed.problems };
}

function runThread(input: ScanThreadInput, signal: AbortSignal | undefined): Promise<PackedWalk> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(input);
    let settled = false;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (fn: () => void) => {
      signal?.removeEventListener('abort', onAbort);
      if (settled) return;
      settled = true;
      fn();
    };
    worker.once('message', (message: PackedWalk) => finish(() => resolve(message)));
    worker.once('error', (error) => finish(() => reject(error)));
    worker.once('exit', (code) => finish(() => reject(new Error(`the scan thread exited (code ${code}) without an answer`))));
  });
}

/** Compiled: scan-thread.js directly. From TypeScript sources (tests, tsx): through tsx's loader. */
function startWorker(input: ScanThreadInput): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const script = new URL(fromSource ? './scan-thread.ts' : './scan-thread.js', import.meta.url);
  if (!fromSource) return new Worker(script, { workerData: input });
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(boot, { eval: true, workerData: input });
}

async function unpack(packed: PackedWalk, options: ThreadWalkOptions): Promise<FoundFile[]> {
  const relPaths = packed.relPaths === '' ? [] : packed.relPaths.split('\0');
  const prefix = options.root.endsWith(sep) ? options.root : `${options.root}${sep}`;
  const files: FoundFile[] = new Array<FoundFile>(relPaths.length);
  for (let start = 0; start < relPaths.length; start += SLICE) {
    if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const end = Math.min(relPaths.length, start + SLICE);
    for (let i = start; i < end; i++) {
      const relPath = relPaths[i] as string;
      const size = packed.sizes[i] as number;
      const mtimeMs = packed.mtimes[i] as number;
      const before = options.known?.get(relPath);
      files[i] = {
        source: options.sourceName,
        relPath,
        absPath: prefix + (sep === '/' ? relPath : relPath.split('/').join(sep)),
        size,
        mtimeMs,
        changed: before === undefined || before.size !== size || before.mtimeMs !== mtimeMs,
      };
    }
  }
  return files;
}
