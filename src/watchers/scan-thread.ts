/**
 * Entry point of a scan worker thread. For each source (or shard of one) it is asked to walk, it
 * walks it synchronously (scan-walk-sync.ts), posting the files found in batches as it goes (their number
 * arrays moved, not copied), then how the walk ended; then it waits for the next request.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { createSourceFilter } from './ignore-rules.js';
import type { ScanThreadInput, ScanThreadMessage } from './scan-thread-client.js';
import { walkSync, type FoundBatch } from './scan-walk-sync.js';

// Background work: the daemon's event loop gets the CPU first. On Linux a priority set with pid 0
// is the calling thread's alone; elsewhere it would be the whole process's, so it is left alone.
if (process.platform === 'linux') {
  try {
    setPriority(5);
  } catch {
    // Not permitted here: the walk runs at the process's priority.
  }
}
const post = (message: ScanThreadMessage, transfer: ArrayBuffer[] = []) => parentPort?.postMessage(message, transfer);

parentPort?.on('message', (input: ScanThreadInput) => {
  const emit = (batch: FoundBatch) => post({ type: 'files', ...batch }, [batch.stats.buffer as ArrayBuffer]);
  const end = walkSync(input.sourceName, input.root, createSourceFilter(input), emit, input.shard);
  post({ type: 'end', ...end });
});
