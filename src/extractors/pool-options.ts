import type { ExtractionConfig, LimitsConfig } from '../config/types.js';
import type { ExtractorPoolOptions } from './pool.js';

/** The pool's options as the config states them (every front door builds its pool this way). */
export function poolOptionsFromConfig(config: {
  limits: Pick<LimitsConfig, 'maxFileBytes'>;
  extraction: ExtractionConfig;
}): Omit<ExtractorPoolOptions, 'log' | 'clock'> {
  return {
    maxFileBytes: config.limits.maxFileBytes,
    workers: config.extraction.workers,
    taskTimeoutMs: config.extraction.taskTimeoutSeconds * 1000,
    maxWorkerMemoryMb: config.extraction.maxWorkerMemoryMb,
    maxUncompressedBytes: config.extraction.maxDocxUncompressedBytes,
    maxZipEntries: config.extraction.maxDocxEntries,
    idleSeconds: config.extraction.idleSeconds,
    startTimeoutMs: config.extraction.startTimeoutSeconds * 1000,
    pdfEngine: config.extraction.pdfEngine,
  };
}
