import type { IntegrityCheckMode } from '../../store/store.js';
import type { CliIo } from '../io.js';

/** `doctor --json`. */
export interface DoctorJson {
  state: string;
  /** False when there is no state file yet (nothing to check). */
  exists: boolean;
  check: IntegrityCheckMode | null;
  ok: boolean;
  problems: string[];
  sizeBytes: number | null;
  durationMs: number | null;
  /** What to do when `ok` is false. */
  advice: string | null;
}

export function corruptionAdvice(path: string): string {
  return (
    `Stop every sensay-ingest process using ${path}, move it aside together with its -wal and -shm files ` +
    '(keep them for a bug report), then restore a backup, or let the next sync start a new state file: ' +
    'the documents are scanned again and matched to the replica\'s entries by reconciliation.'
  );
}

export function presentDoctor(report: DoctorJson, options: { json: boolean }, io: CliIo): void {
  if (options.json) {
    io.out(JSON.stringify(report));
    return;
  }
  if (!report.exists) {
    io.out(`State file ${report.state} does not exist yet: nothing to check (the first sync creates it).`);
    return;
  }
  const what = report.check === 'full' ? 'integrity_check' : 'quick_check';
  const size = report.sizeBytes === null ? '' : `, ${formatSize(report.sizeBytes)}`;
  const took = report.durationMs === null ? '' : ` in ${report.durationMs} ms`;
  if (report.ok) {
    io.out(`State file ${report.state}${size}: ${what} ok${took}.`);
    return;
  }
  const lines = [`State file ${report.state}${size} is damaged (${what}${took}):`];
  for (const problem of report.problems.slice(0, 10)) lines.push(`  - ${problem}`);
  if (report.problems.length > 10) lines.push(`  … and ${report.problems.length - 10} more`);
  if (report.advice) lines.push(report.advice);
  io.out(lines.join('\n'));
}

function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
