import type Database from 'better-sqlite3';
import type { IntegrityCheckMode, IntegrityReport } from '../maintenance.js';

const MAX_FINDINGS = 50;

/**
 * `PRAGMA quick_check` or `integrity_check`: reads the whole file, so its cost grows with the
 * store. Run on demand (`sensay-ingest doctor`), never on every open.
 */
export function checkIntegrity(db: Database.Database, mode: IntegrityCheckMode): IntegrityReport {
  const pragma = mode === 'full' ? 'integrity_check' : 'quick_check';
  let findings: string[];
  try {
    const rows = db.pragma(`${pragma}(${MAX_FINDINGS})`) as Record<string, unknown>[];
    findings = rows.map((row) => String(Object.values(row)[0] ?? ''));
  } catch (error) {
    // Damage the check itself trips over (a broken b-tree root) is a finding, not a crash.
    if (!isCorruption(error)) throw error;
    return { ok: false, mode, problems: [error instanceof Error ? error.message : String(error)] };
  }
  if (findings.length === 1 && findings[0] === 'ok') return { ok: true, mode, problems: [] };
  const problems = findings
    .flatMap((finding) => finding.split('\n'))
    .filter((line) => line.trim() !== '' && !line.startsWith('***'));
  return { ok: false, mode, problems };
}

function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}
