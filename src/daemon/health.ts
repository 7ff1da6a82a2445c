import { documentTotals, type DocumentTotals } from '../engine/document-totals.js';
import type { EngineSummary } from '../engine/create-engine.js';
import type { DocumentState } from '../store/store.js';
import type { HealthReason } from './health-decisions.js';

/** The durable state as `GET /healthz` shows it while the store answers. */
export interface StateReport {
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

/** `GET /healthz` (liveness): the loop's verdict, and the state when the store answers. */
export type LivenessBody = {
  readonly status: 'ok' | 'unavailable';
  readonly uptimeSeconds: number;
  readonly reasons: readonly HealthReason[];
} & Partial<StateReport>;

/** `GET /readyz` (readiness), and any endpoint's answer when the store cannot be read. */
export interface ReadinessBody {
  readonly status: 'ready' | 'unavailable';
  readonly uptimeSeconds: number;
  readonly reasons: readonly HealthReason[];
}

export function livenessBody(reasons: readonly HealthReason[], summary: EngineSummary | null, startedAt: number, now: number): LivenessBody {
  const state = summary === null ? {} : stateReport(summary);
  return { ...state, status: reasons.length === 0 ? 'ok' : 'unavailable', uptimeSeconds: uptime(startedAt, now), reasons };
}

export function readinessBody(reasons: readonly HealthReason[], startedAt: number, now: number): ReadinessBody {
  return { status: reasons.length === 0 ? 'ready' : 'unavailable', uptimeSeconds: uptime(startedAt, now), reasons };
}

export function stateReport(summary: EngineSummary): StateReport {
  const { budget } = summary;
  return {
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

function uptime(startedAt: number, now: number): number {
  return Math.max(0, Math.round((now - startedAt) / 1000));
}
