/**
 * Starting one worker process and wiring its events: the last 4 KiB of its stderr are kept (an
 * out-of-memory abort or a failed start explains itself there), its stdout is drained, its
 * messages and its exit go to the pool. A spawn that fails outright (no pid) is reported as an
 * exit, once.
 */
import type { Logger } from 'pino';
import type { WorkerSlot } from './pool-types.js';
import type { ForkWorker } from './worker-process.js';
import { isWorkerMessage, type WorkerMessage } from './worker-protocol.js';

const STDERR_TAIL_BYTES = 4096;

export type SpawnEvents = {
  onMessage(slot: WorkerSlot, message: WorkerMessage): void;
  /** Called once per slot, whether the process exited or never started. */
  onExit(slot: WorkerSlot, code: number | null, signal: NodeJS.Signals | null): void;
};

export function spawnWorker(fork: ForkWorker, maxWorkerMemoryMb: number, events: SpawnEvents, log: Logger): WorkerSlot {
  const child = fork(maxWorkerMemoryMb);
  const slot: WorkerSlot = { child, state: 'starting', stderrTail: '' };
  let exited = false;
  const exit = (code: number | null, signal: NodeJS.Signals | null): void => {
    if (exited) return;
    exited = true;
    events.onExit(slot, code, signal);
  };
  child.stderr?.on('data', (chunk: Buffer) => {
    slot.stderrTail = (slot.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
  });
  child.stdout?.resume();
  child.on('message', (message: unknown) => {
    if (isWorkerMessage(message)) events.onMessage(slot, message);
  });
  // 'close' rather than 'exit': stderr is fully read by then, so a failed start can be explained.
  child.on('close', (code, signal) => exit(code, signal));
  child.on('error', (error) => {
    log.warn({ err: error }, 'extractor worker error');
    if (child.pid === undefined) exit(null, null);
  });
  return slot;
}

/** Stops a worker now; its exit comes later through the slot's onExit. */
export function killWorker(slot: WorkerSlot): void {
  slot.state = 'dying';
  slot.child.kill('SIGKILL');
}

export function hasExited(slot: WorkerSlot): boolean {
  return slot.child.exitCode !== null || slot.child.signalCode !== null;
}
