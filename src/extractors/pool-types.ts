import type { ReadDepth, Validation } from './validation.js';
/** The pool's inner shapes, shared by its spawn, supervise and dispatch modules. */
import type { ChildProcess } from 'node:child_process';
import type { Extraction, ExtractLimits } from './extraction.js';
import type { PdfRange } from './pdf.js';
import type { PdfPartResult, PdfSplitPlan, SplitRule } from './pdf-split.js';
import type { ExpectedFile } from './read-once.js';

export type Job = { type: 'extract'; split?: SplitRule; depth?: ReadDepth } | { type: 'extract-part'; range: PdfRange; sha256: string };
export type Reply = Extraction | Validation | PdfSplitPlan | PdfPartResult;
export type Settled = { reply: Reply; warnings: string[] };

export type Task = {
  id: number;
  path: string;
  limits: ExtractLimits;
  expected: ExpectedFile | undefined;
  job: Job;
  resolve: (settled: Settled) => void;
  reject: (error: Error) => void;
};

/**
 * One worker process. `starting` until it says ready; `dying` once it was killed or retired (no
 * task may land on it, its exit event comes later).
 */
export type WorkerSlot = {
  child: ChildProcess;
  state: 'starting' | 'ready' | 'dying';
  task?: Task;
  settled?: boolean;
  stderrTail: string;
  /** Aborts the busy task's supervision (time and memory sampling). */
  abort?: AbortController;
  /** Aborts the start countdown (the worker said ready or exited). */
  starting?: AbortController;
  /** Aborts the idle countdown. */
  idle?: AbortController;
};

export type PoolStats = {
  peakWorkerRssBytes: number;
  workersStarted: number;
  /** Worker processes that exited, never came up, or hung past the start timeout before saying ready. */
  startFailures: number;
  /** Workers that exited after `idleMs` without work. */
  idleExits: number;
  /** Tasks sent to workers: one per file, plus one per part of a split PDF. */
  tasks: number;
  /** PDFs extracted page-parallel. */
  splitFiles: number;
};

export class PoolClosedError extends Error {
  readonly code = 'POOL_CLOSED';
  constructor() {
    super('the extractor pool is closed');
  }
}
