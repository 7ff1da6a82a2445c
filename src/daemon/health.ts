import { documentTotals, type DocumentTotals } from '../engine/document-totals.js';
import type { EngineSummary } from '../engine/create-engine.js';
import type { DocumentState } from '../store/store.js';

/** The body of `GET /healthz` while the store answers. */
export interface HealthReport {
  readonly status: 'ok';
  readonly uptimeSeconds: number;
  /** The five totals people read (as in `sync --json`). */
  readonly totals: DocumentTotals;
  /** Every lifecycle state, for dashboards. */
  readonly documents: Readonly<Record<DocumentState, number>>;
  readonly budget: {
    readonly limit: number;
    readonly used: number;
    readonly remaining: number;
    readonly nextFreeAt: string;
    readonly blockedUntil: string | null;
  };
  readonly queuedUploads: number;
  readonly nextUploadAt: string | null;
}

/** The body of `GET /healthz` when the state cannot be read (503). */
export interface HealthProblem {
  readonly status: 'unavailable';
  readonly uptimeSeconds: number;
  readonly problem: string;
}

export function healthReport(summary: EngineSummary, startedAt: number): HealthReport {
  const { budget } = summary;
  return {
    status: 'ok',
    uptimeSeconds: uptime(startedAt, summary.at),
    totals: documentTotals(summary.documents),
    documents: summary.documents,
    budget: {
      limit: budget.limit,
      used: budget.used,
      remaining: budget.remaining,
      nextFreeAt: new Date(budget.nextFreeAt).toISOString(),
      blockedUntil: budget.blockedUntil === null ? null : new Date(budget.blockedUntil).toISOString(),
    },
    queuedUploads: summary.queuedUploads,
    nextUploadAt: summary.nextUploadAt === null ? null : new Date(summary.nextUploadAt).toISOString(),
  };
}

export function healthProblem(error: unknown, startedAt: number, now: number): HealthProblem {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return { status: 'unavailable', uptimeSeconds: uptime(startedAt, now), problem: code ? `${code}: ${message}` : message };
}

function uptime(startedAt: number, now: number): number {
  return Math.max(0, Math.round((now - startedAt) / 1000));
}
