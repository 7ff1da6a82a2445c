/**
 * Entry point of a scan worker thread: walks one source root synchronously (scan-walk-sync.ts)
 * and posts the packed result once, moving the number arrays rather than copying them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createSourceFilter } from './ignore-rules.js';
import { walkSync } from './scan-walk-sync.js';
import type { ScanThreadInput } from './scan-thread-client.js';

const input = workerData as ScanThreadInput;
const walked = walkSync(input.sourceName, input.root, createSourceFilter(input));
parentPort?.postMessage(walked, [walked.sizes.buffer as ArrayBuffer, walked.mtimes.buffer as ArrayBuffer]);
