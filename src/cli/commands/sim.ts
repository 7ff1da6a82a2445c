import { ExitCode } from '../io.js';
import type { CliContext } from '../main.js';
import { startSimulator, type SimulatorOptions } from '../../sim/index.js';
import { ConfigError } from '../../config/errors.js';
import { readSecretFromEnv } from '../../config/environment.js';

export type SimFlags = {
  port: string;
  host: string;
  stepMs: string;
  uploadsPerHour: string;
  requestsPerMinute: string;
  fail?: string[];
  unprocessable?: string[];
  quota?: boolean;
  deleteMode: '200' | '202';
  clockOffsetSeconds?: string;
};

/** `sim`: the local Sensay API simulator, running until Ctrl-C. */
export async function runSim(flags: SimFlags, ctx: CliContext): Promise<number> {
  const envSecret = readSecretFromEnv(ctx.env);
  const options = simulatorOptionsFromFlags(flags, envSecret);
  const sim = await startSimulator(options);
  ctx.io.out(`Sensay simulator listening on ${sim.url}`);
  ctx.io.out(
    envSecret
      ? 'It accepts the organisation secret from SENSAY_ORGANIZATION_SECRET.'
      : `It accepts the organisation secret "${sim.secret}" (set SENSAY_ORGANIZATION_SECRET to choose another).`,
  );
  ctx.io.out(`Point the tool at it with SENSAY_API_URL=${sim.url}. Press Ctrl-C to stop.`);
  await waitForStop(ctx.stopSignal);
  await sim.close();
  return ExitCode.OK;
}

export function simulatorOptionsFromFlags(flags: SimFlags, secret: string | undefined): SimulatorOptions {
  return {
    port: integer('--port', flags.port, 0),
    host: flags.host,
    ...(secret ? { secret } : {}),
    timeline: { stepMs: integer('--step-ms', flags.stepMs, 0) },
    uploadsPerHour: integer('--uploads-per-hour', flags.uploadsPerHour, 1),
    requestsPerMinute: integer('--requests-per-minute', flags.requestsPerMinute, 1),
    quota: Boolean(flags.quota),
    deleteMode: flags.deleteMode,
    ...(flags.clockOffsetSeconds !== undefined && { clockOffsetMs: signedNumber('--clock-offset-seconds', flags.clockOffsetSeconds) * 1000 }),
    failures: [
      ...(flags.fail ?? []).map((spec) => parseFailSpec(spec)),
      ...(flags.unprocessable ?? []).map((match) => ({ match, unprocessable: true as const })),
    ],
  };
}

function parseFailSpec(spec: string): { match: string; errorTimes: number } {
  const at = spec.lastIndexOf(':');
  const times = at > 0 ? Number(spec.slice(at + 1)) : NaN;
  if (!Number.isInteger(times) || times < 1) {
    throw usageError(`--fail: expected PATTERN:TIMES such as "broken-*.pdf:2", got "${spec}"`);
  }
  return { match: spec.slice(0, at), errorTimes: times };
}

function signedNumber(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw usageError(`${flag}: expected a number of seconds (negative: behind), got "${value}"`);
  return n;
}

function integer(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw usageError(`${flag}: expected an integer >= ${min}, got "${value}"`);
  }
  return n;
}

export function waitForStop(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function usageError(issue: string): ConfigError {
  return new ConfigError({ code: 'CONFIG_INVALID', summary: 'Invalid option.', issues: [issue] });
}
