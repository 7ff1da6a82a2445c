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
 */
export async function openEngine(
  config: LoadedConfig,
  secret: Secret,
  log: Logger,
  options: OpenEngineOptions = {},
): Promise<OpenedEngine> {
  const { store, texts, clock } = await openState(config.state, options.env ?? {}, log);
  const plain = createApiClient(config, secret, log);
  const api = options.wrapApi ? options.wrapApi(plain) : plain;
  const engine = createEngine({
    clock,
    store,
    texts,
    api,
    extractor: createExtractorPool({ ...poolOptionsFromConfig(config), log }),
    log,
    config,
    owner: leaseOwnerId(),
  });
  return { engine, store, api, clock };
}
