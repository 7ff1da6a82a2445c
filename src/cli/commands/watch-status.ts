import type { Logger } from 'pino';
import { systemClock } from '../../clock/clock.js';
import { ConfigError } from '../../config/errors.js';
import type { LoadedConfig } from '../../config/types.js';
import type { ApiReachability } from '../../daemon/api-reachability.js';
import { startStatusServer, type StatusServer } from '../../daemon/http-server.js';
import type { LoopHeartbeat } from '../../daemon/loop-heartbeat.js';
import type { DaemonMetrics } from '../../daemon/metrics.js';
import type { Engine } from '../../engine/create-engine.js';
import type { ConsoleHandler } from '../../console/console-handler.js';
import type { CliIo } from '../io.js';

export interface StatusDeps {
  readonly config: LoadedConfig;
  readonly log: Logger;
  readonly io: CliIo;
  readonly metrics: DaemonMetrics;
  readonly engine: Engine;
  readonly heartbeat: LoopHeartbeat;
  readonly reachability: ApiReachability;
  readonly startedAt: number;
  /** The demo: when `daemon.port` is taken, serve on a free port (and say so) rather than fail. */
  readonly portFallback: boolean;
  /** The operator console, served at `/` beside the probes. */
  readonly console?: ConsoleHandler;
}

const PORT_UNAVAILABLE = new Set(['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES']);

/**
 * /healthz, /readyz and /metrics on `daemon.port` (0: nothing served). A port that is taken is a
 * configuration error naming the key, except in the demo, which falls back to a free port.
 */
export async function serveStatus(deps: StatusDeps): Promise<StatusServer | undefined> {
  const { port, host } = deps.config.daemon;
  if (port === 0) return undefined;
  try {
    return await startOn(deps, port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!PORT_UNAVAILABLE.has(code)) throw error;
    if (deps.portFallback) {
      deps.io.out(`Port ${port} is taken (${code}; another sensay-ingest running?): serving health and metrics on a free port instead.`);
      return startOn(deps, 0);
    }
    throw new ConfigError({
      code: 'CONFIG_INVALID',
      summary: 'Cannot serve /healthz, /readyz and /metrics.',
      issues: [`daemon.port: ${host}:${port} is not available (${code}); choose another port, or 0 to serve nothing`],
      configPath: deps.config.configPath,
    });
  }
}

function startOn(deps: StatusDeps, port: number): Promise<StatusServer> {
  const { config } = deps;
  return startStatusServer({
    port,
    host: config.daemon.host,
    clock: systemClock,
    log: deps.log,
    startedAt: deps.startedAt,
    summary: () => deps.engine.summary(),
    organisation: () => deps.engine.organisation(),
    metrics: deps.metrics,
    ...(deps.console && { console: deps.console }),
    health: {
      loop: () => deps.heartbeat.vitals(),
      apiDownSince: () => deps.reachability.downSince(),
      pollIntervalMs: config.status.pollIntervalSeconds * 1000,
      unhealthyAfterMs: config.daemon.unhealthyAfterSeconds * 1000,
    },
  });
}

/** The lines `watch` prints under its banner about the endpoints. */
export function statusLines(server: StatusServer | undefined): string {
  if (!server) return 'Console, health and metrics: not served (daemon.port is 0)';
  return `Console: ${server.url}/\nHealth: ${server.url}/healthz  Ready: ${server.url}/readyz  Metrics: ${server.url}/metrics`;
}
