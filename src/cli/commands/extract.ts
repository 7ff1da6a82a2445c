/**
 * `sensay-ingest extract <file…> [--json] [--full]`: run files through the same extractor pool
 * the engine uses and show what would be uploaded, or why a file would be rejected.
 */
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { formatBytes } from '../../extractors/detect.js';
import type { Extraction, Extractor } from '../../extractors/extraction.js';
import { createExtractorPool, type ExtractorPoolOptions } from '../../extractors/pool.js';
import { ExitCode, type CliIo } from '../io.js';

/** Limits the lead passes from the loaded config (limits.maxFileBytes and friends). */
export type ExtractCommandConfig = Omit<ExtractorPoolOptions, 'log' | 'clock'>;

export type ExtractCommandOptions = {
  json: boolean;
  full: boolean;
  config?: ExtractCommandConfig;
  log?: Logger;
  /** Injected extractor (tests); by default a pool is created and closed by the command. */
  extractor?: Extractor;
};

const PREVIEW_CHARS = 300;

export type ExtractJsonRow = {
  path: string;
  ok: boolean;
  kind: string | null;
  reason: string | null;
  detail: string | null;
  chars: number | null;
  pages: number | null;
  sha256: string | null;
  encoding: string | null;
  preview: string | null;
  text?: string | null;
};

export async function runExtract(files: string[], opts: ExtractCommandOptions, io: CliIo): Promise<ExitCode> {
  if (files.length === 0) {
    io.err('extract: name at least one file, e.g. `sensay-ingest extract docs/handbook.pdf`');
    return ExitCode.USAGE;
  }
  const log = opts.log ?? pino({ level: 'silent' });
  // The pool's own default (one worker per core), not one per file: one large PDF is split across
  // every worker, and the pool starts workers only when there is work for them.
  const pool = opts.extractor ? undefined : createExtractorPool({ ...opts.config, log });
  const extractor = opts.extractor ?? (pool as Extractor);
  try {
    const results = await Promise.all(files.map((file) => extractor.extract(path.resolve(file))));
    if (opts.json) {
      io.out(JSON.stringify(files.map((file, i) => toJsonRow(file, results[i] as Extraction, opts.full)), null, 2));
    } else {
      files.forEach((file, i) => io.out(describe(file, results[i] as Extraction, opts.full)));
    }
    return results.every((r) => r.ok) ? ExitCode.OK : ExitCode.DOCUMENT_PROBLEM;
  } finally {
    await pool?.close();
  }
}

export function toJsonRow(file: string, r: Extraction, full: boolean): ExtractJsonRow {
  const row: ExtractJsonRow = {
    path: file,
    ok: r.ok,
    kind: r.kind ?? null,
    reason: r.ok ? null : r.reason,
    detail: r.ok ? null : r.detail,
    chars: r.ok ? r.chars : null,
    pages: r.pages ?? null,
    sha256: r.sha256 ?? null,
    encoding: r.ok ? (r.encoding ?? null) : null,
    preview: r.ok ? preview(r.text) : null,
  };
  if (full) row.text = r.ok ? r.text : null;
  return row;
}

function describe(file: string, r: Extraction, full: boolean): string {
  if (!r.ok) {
    const lines = [`✗ ${file}`, `  rejected: ${r.reason} — ${r.detail}`];
    if (r.kind) lines.push(`  kind: ${r.kind}${r.bytes !== undefined ? `, ${formatBytes(r.bytes)}` : ''}`);
    if (r.sha256) lines.push(`  sha256: ${r.sha256}`);
    for (const w of r.warnings ?? []) lines.push(`  warning: ${w}`);
    return lines.join('\n') + '\n';
  }
  const lines = [
    `✓ ${file}`,
    `  kind: ${r.kind}, ${formatBytes(r.bytes)}, ${r.chars} chars${r.pages !== undefined ? `, ${r.pages} pages` : ''}`,
    `  sha256: ${r.sha256}`,
  ];
  if (r.title) lines.push(`  title: ${r.title}`);
  if (r.encoding) lines.push(`  encoding: ${r.encoding}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  lines.push('  ---', indent(full ? r.text : preview(r.text)), '');
  return lines.join('\n');
}

function preview(text: string): string {
  const cps = Array.from(text.slice(0, PREVIEW_CHARS * 2));
  return cps.length > PREVIEW_CHARS ? `${cps.slice(0, PREVIEW_CHARS).join('')}…` : cps.join('');
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}
