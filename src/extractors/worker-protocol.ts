/** Messages between the pool (parent) and an extraction worker process, over the IPC channel. */
import type { Extraction, ExtractLimits } from './extraction.js';

export type TaskMessage = { type: 'extract'; id: number; path: string; limits: ExtractLimits };

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; extraction: Extraction; warnings: string[] };

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'ready' || type === 'result';
}

export function isTaskMessage(value: unknown): value is TaskMessage {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'extract';
}
