import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { Env } from '../config/environment.js';
import type { Secret } from '../config/secret.js';
import type { LoadedConfig } from '../config/types.js';
import { createEngine, type Engine } from '../engine/create-engine.js';
import { createExtractorPool } from '../extractors/pool.js';
import { poolOptionsFromConfig } from '../extractors/pool-options.js';
import type { SensayClient } from '../sensay/client.js';
import type { Store } from '../store/index.js';
import { leaseOwnerId } from '../uploader/index.js';
import { createApiClient } from './api-client.js';
import { budgetScope } from '../engine/budget-scope.js';
import { sharedRequestLimiter } from '../hosts/request-permits.js';
import { PostgresStore } from '../store/postgres/pg-store.js';
import { openState } from './open-state.js';

export interface OpenedEngine {
  readonly engine: Engine;
  /** The engine's store, for read-only views (progress, health); `engine.close()` closes it. */
  readonly store: Store;
  /** The engine's API client (as wrapped), for read-only calls; `engine.close()` closes it. */
  readonly api: SensayClient;
  /** The clock the engine runs on (the database's with PostgreSQL): timing around the engine reads it too. */
  readonly clock: Clock;
}

export interface OpenEngineOptions {
  /** Decorates the API client before the engine gets it (the daemon counts API errors this way). */
  readonly wrapApi?: (api: SensayClient) => SensayClient;
  /** Where a PostgreSQL state's password may come from (PGPASSWORD, ~/.pgpass). */
  readonly env?: Env;
}

/**
 * Builds the engine a long-running command drives, on the state's clock: the state store, the
 * API client and the extractor pool. `engine.close()` closes all three, in that order of need.
 * The host claims its sources here, so a source another live host owns is refused at start
 * (a `ConfigError`, exit 2) before anything is scanned or sent.
 */
export async function openEngine(
  config: LoadedConfig,
  secret: Secret,
  log: Logger,
  options: OpenEngineOptions = {},
): Promise<OpenedEngine> {
  const { store, texts, clock } = await openState(config.state, options.env ?? {}, log);
  const plain = createApiClient(config, secret, log, { ...(sharesRequestWindow(store) && { limiter: requestLimiterFor(store, clock, config, log) }) });
  const api = options.wrapApi ? options.wrapApi(plain) : plain;
  const engine = createEngine({
    clock,
    store,
    texts,
    api,
    extractor: createExtractorPool({ ...poolOptionsFromConfig(config), log }),
    log,
    config,
    owner: leaseOwnerId(undefined, config.host.name),
  });
  try {
    await engine.host.start();
    engine.host.keepAlive();
  } catch (error) {
    await engine.close();
    throw error;
  }
  return { engine, store, api, clock };
}

/** Several hosts share a PostgreSQL store, and with it `requestsPerMinute`; SQLite (one host) keeps the in-process limiter. */
function sharesRequestWindow(store: Store): boolean {
  return store instanceof PostgresStore;
}

function requestLimiterFor(store: Store, clock: Clock, config: LoadedConfig, log: Logger) {
  return sharedRequestLimiter({
    store,
    clock,
    log,
    scope: budgetScope(config.api.baseUrl),
    requestsPerMinute: config.limits.requestsPerMinute,
    hostName: config.host.name,
  });
}
