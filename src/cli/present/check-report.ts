import type { CliIo } from '../io.js';

export type ApiErrorSummary = {
  status: number | undefined;
  code: string;
  message: string;
  requestId: string | undefined;
  fingerprint: string | undefined;
};

export type ReplicaCheck =
  | { replicaUUID: string; sources: string[]; outcome: 'ok'; entries: number }
  | { replicaUUID: string; sources: string[]; outcome: 'unauthorised' | 'not-found' | 'unreachable'; error: ApiErrorSummary };

export type CheckReport = {
  apiUrl: string;
  state: string;
  sourceProblems: string[];
  replicas: ReplicaCheck[];
};

const OUTCOME_TEXT: Record<ReplicaCheck['outcome'], string> = {
  ok: 'reachable, authorised',
  unauthorised: 'NOT AUTHORISED — check the organisation secret (SENSAY_ORGANIZATION_SECRET)',
  'not-found': 'NOT FOUND — the replica is in another organisation, private, or the UUID is wrong',
  unreachable: 'UNREACHABLE — the API did not answer after retries',
};

export function presentCheck(report: CheckReport, options: { json: boolean }, io: CliIo): void {
  if (options.json) {
    io.out(JSON.stringify({ ok: isHealthy(report), ...report }, null, 2));
    return;
  }
  io.out(`API        ${report.apiUrl}`);
  io.out(`state      ${report.state}`);
  for (const problem of report.sourceProblems) io.out(`source     ${problem}`);
  for (const replica of report.replicas) {
    io.out(`replica    ${replica.replicaUUID} (sources: ${replica.sources.join(', ')})`);
    if (replica.outcome === 'ok') {
      io.out(`           ${OUTCOME_TEXT.ok}, ${replica.entries} knowledge base ${replica.entries === 1 ? 'entry' : 'entries'}`);
    } else {
      io.out(`           ${OUTCOME_TEXT[replica.outcome]}`);
      io.out(`           ${describeApiError(replica.error)}`);
    }
  }
  io.out(isHealthy(report) ? 'check: ok' : 'check: problems found (see above)');
}

function describeApiError(error: ApiErrorSummary): string {
  const parts = [`HTTP ${error.status ?? '-'}`, error.code, error.message];
  if (error.requestId) parts.push(`requestId ${error.requestId}`);
  if (error.fingerprint) parts.push(`fingerprint ${error.fingerprint}`);
  return parts.join(' · ');
}

function isHealthy(report: CheckReport): boolean {
  return report.sourceProblems.length === 0 && report.replicas.every((r) => r.outcome === 'ok');
}
