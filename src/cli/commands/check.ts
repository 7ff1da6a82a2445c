import { existsSync, statSync } from 'node:fs';
import { ExitCode } from '../io.js';
import type { CliContext } from '../main.js';
import { openCommandContext, requireSecret } from '../command-context.js';
import { stateLabel } from '../open-state.js';
import { createApiClient } from '../api-client.js';
import { AUTH_CODES, SensayApiError } from '../../sensay/errors.js';
import { presentCheck, type CheckReport, type ReplicaCheck } from '../present/check-report.js';

type CheckFlags = { config?: string; json?: boolean };

/**
 * `check`: the config is valid, the secret is readable, every source folder exists, and every
 * replica answers. One cheap request per replica (pageSize=0 returns only the total).
 */
export async function runCheck(flags: CheckFlags, ctx: CliContext): Promise<number> {
  const { config, secret: maybeSecret, log } = openCommandContext(flags, ctx);
  const secret = requireSecret(maybeSecret);

  const sourceProblems = config.sources
    .filter((source) => !existsSync(source.path) || !statSync(source.path).isDirectory())
    .map((source) => `sources[${config.sources.indexOf(source)}].path: ${source.path} is not a folder; create it or fix the path`);

  const replicas = new Map<string, string[]>();
  for (const source of config.sources) {
    replicas.set(source.replicaUUID, [...(replicas.get(source.replicaUUID) ?? []), source.name]);
  }

  const client = createApiClient(config, secret, log);
  const results: ReplicaCheck[] = [];
  try {
    for (const [replicaUUID, sources] of replicas) {
      results.push(await checkReplica(replicaUUID, sources, (uuid) => client.countEntries(uuid)));
    }
  } finally {
    await client.close();
  }

  const report: CheckReport = { apiUrl: config.api.baseUrl, state: stateLabel(config.state), sourceProblems, replicas: results };
  presentCheck(report, { json: Boolean(flags.json) }, ctx.io);
  return checkExitCode(report);
}

async function checkReplica(
  replicaUUID: string,
  sources: string[],
  count: (replicaUUID: string) => Promise<number>,
): Promise<ReplicaCheck> {
  try {
    const entries = await count(replicaUUID);
    return { replicaUUID, sources, outcome: 'ok', entries };
  } catch (error) {
    if (!(error instanceof SensayApiError)) throw error;
    const api = { status: error.status, code: error.code, message: error.message, requestId: error.requestId, fingerprint: error.fingerprint };
    if (AUTH_CODES.has(error.code)) return { replicaUUID, sources, outcome: 'unauthorised', error: api };
    if (error.code === 'NOT_FOUND') return { replicaUUID, sources, outcome: 'not-found', error: api };
    return { replicaUUID, sources, outcome: 'unreachable', error: api };
  }
}

function checkExitCode(report: CheckReport): number {
  const outcomes = new Set(report.replicas.map((r) => r.outcome));
  if (outcomes.has('unauthorised')) return ExitCode.AUTH;
  if (outcomes.has('unreachable')) return ExitCode.UNREACHABLE;
  if (outcomes.has('not-found') || report.sourceProblems.length > 0) return ExitCode.USAGE;
  return ExitCode.OK;
}
