/** The pool's options, validated and defaulted once, then frozen. */
import { availableParallelism } from 'node:os';
import { DEFAULT_LIMITS, type ExtractLimits, type ExtractOptions } from './extraction.js';
import { DEFAULT_PDF_ENGINE, PDF_ENGINES, type PdfEngine } from './pdf-engine.js';
import { DEFAULT_SPLIT_RULE, type SplitRule } from './pdf-split.js';
import type { ExtractorPoolOptions } from './pool.js';

/** A worker loads PDFium before it says ready (the other parsers on first use): under a second normally, far more on a cold, loaded host. */
export const DEFAULT_START_TIMEOUT_MS = 60_000;

export type PoolConfig = {
  workers: number;
  taskTimeoutMs: number;
  maxWorkerMemoryMb: number;
  sampleIntervalMs: number;
  idleMs: number;
  startTimeoutMs: number;
  split: SplitRule | undefined;
  limits: ExtractLimits;
  pdfEngine: PdfEngine;
};

export function normaliseOptions(options: ExtractorPoolOptions): Readonly<PoolConfig> {
  const positive = (key: string, value: number | undefined, fallback: number): number => {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v <= 0) throw new TypeError(`Expected \`${key}\` to be a finite number > 0, got \`${String(value)}\``);
    return v;
  };
  const pdfEngine = options.pdfEngine ?? DEFAULT_PDF_ENGINE;
  if (!PDF_ENGINES.includes(pdfEngine)) throw new TypeError(`Expected \`pdfEngine\` to be one of ${PDF_ENGINES.join(', ')}, got \`${String(pdfEngine)}\``);
  return Object.freeze({
    pdfEngine,
    workers: Math.floor(positive('workers', options.workers, availableParallelism())),
    taskTimeoutMs: positive('taskTimeoutMs', options.taskTimeoutMs, 60_000),
    maxWorkerMemoryMb: positive('maxWorkerMemoryMb', options.maxWorkerMemoryMb, 1024),
    sampleIntervalMs: positive('sampleIntervalMs', options.sampleIntervalMs, 50),
    idleMs: positive('idleSeconds', options.idleSeconds, 30) * 1000,
    startTimeoutMs: positive('startTimeoutMs', options.startTimeoutMs, DEFAULT_START_TIMEOUT_MS),
    split:
      options.pdfSplit === false
        ? undefined
        : Object.freeze({
            minBytes: positive('pdfSplit.minBytes', options.pdfSplit?.minBytes, DEFAULT_SPLIT_RULE.minBytes),
            minPages: positive('pdfSplit.minPages', options.pdfSplit?.minPages, DEFAULT_SPLIT_RULE.minPages),
          }),
    limits: Object.freeze({
      maxFileBytes: positive('maxFileBytes', options.maxFileBytes, DEFAULT_LIMITS.maxFileBytes),
      maxUncompressedBytes: positive('maxUncompressedBytes', options.maxUncompressedBytes, DEFAULT_LIMITS.maxUncompressedBytes),
      maxZipEntries: positive('maxZipEntries', options.maxZipEntries, DEFAULT_LIMITS.maxZipEntries),
    }),
  });
}

export function definedOnly(opts: ExtractOptions | undefined): ExtractOptions {
  return Object.fromEntries(Object.entries(opts ?? {}).filter(([, v]) => v !== undefined));
}
