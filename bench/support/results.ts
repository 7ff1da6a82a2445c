/**
 * bench/results.json: one section per benchmark, each a list of rows "our time against its native
 * anchor", so that the next change can be compared with this one. Every bench script merges its
 * own section and leaves the others as they were.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../results.json');

export type BenchRow = {
  /** What was measured, e.g. "45 MB / 7,569-page PDF validated (warm worker)". */
  work: string;
  ours: number;
  /** The native tool's figure for the same work, when there is one. */
  native?: number;
  /** ours / native (time), or what the row defines. */
  ratio?: number;
  unit: 'ms' | 'ratio' | 'F1' | 'MB';
  anchor?: string;
  target?: string;
  note?: string;
};

export type BenchSection = { measuredAt: string; machine: string; rows: BenchRow[] };

export type BenchResults = Record<string, BenchSection | { pending: string }>;

export function readResults(): BenchResults {
  if (!existsSync(RESULTS_PATH)) return {};
  try {
    return JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as BenchResults;
  } catch {
    return {};
  }
}

export function recordSection(name: string, rows: BenchRow[]): void {
  const results = readResults();
  results[name] = { measuredAt: new Date().toISOString(), machine: machine(), rows };
  // The idle daemon has its own script; until it writes here, the slot says where it comes from.
  results.idle ??= { pending: 'npm run bench:idle writes this section' };
  writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
}

export function row(work: string, ours: number, native: number | undefined, extra: Omit<BenchRow, 'work' | 'ours' | 'native' | 'ratio' | 'unit'> & { unit?: BenchRow['unit'] } = {}): BenchRow {
  return {
    work,
    ours: round(ours, extra.unit === 'F1' ? 3 : 1),
    ...(native !== undefined && native > 0 ? { native: round(native), ratio: round(ours / native, 2) } : {}),
    unit: extra.unit ?? 'ms',
    ...(extra.anchor ? { anchor: extra.anchor } : {}),
    ...(extra.target ? { target: extra.target } : {}),
    ...(extra.note ? { note: extra.note } : {}),
  };
}

export function printRows(title: string, rows: BenchRow[]): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`\n${title}`);
  out('| work | ours | native anchor | ratio | target |');
  out('|---|---|---|---|---|');
  for (const r of rows) {
    const unit = r.unit === 'ms' ? ' ms' : r.unit === 'MB' ? ' MB' : '';
    const native = r.native !== undefined ? `${r.native}${unit} (${r.anchor ?? 'native'})` : (r.anchor ?? '-');
    out(`| ${r.work} | ${r.ours}${unit} | ${native} | ${r.ratio !== undefined ? `${r.ratio}×` : '-'} | ${r.target ?? ''} |`);
  }
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function machine(): string {
  return `${process.platform} node ${process.version}`;
}
