import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { readConsoleToken } from '../config/console-token.js';
import type { Config } from '../config/types.js';
import { budgetScope, UPLOAD_WINDOW_MS } from '../engine/budget-scope.js';
import type { Store } from '../store/store.js';
import { accessPolicy } from './access-policy.js';
import { createChangeFeed } from './change-feed.js';
import type { ConsoleDaemonHooks } from './console-actions.js';
import { createConsoleHandler, type ConsoleHandler } from './console-handler.js';
import { loadPageAssets } from './page-assets.js';

export interface OpenConsoleDeps {
  readonly config: Config;
  readonly store: Store;
  readonly clock: Clock;
  readonly log: Logger;
  /** The daemon serving it (actions carried out at once), or null (`sensay-ingest console`). */
  readonly daemon: ConsoleDaemonHooks | null;
}

/** The console as `watch` and `console` serve it, made from the config once: token, Host allowlist, page. */
export async function openConsole(deps: OpenConsoleDeps): Promise<ConsoleHandler> {
  const { config, store, clock } = deps;
  const log = deps.log.child({ component: 'console' });
  const policy = accessPolicy({ host: config.daemon.host, publicHost: config.daemon.publicHost, token: readConsoleToken(config.daemon.tokenFile) });
  return createConsoleHandler({
    policy,
    assets: await loadPageAssets(),
    feed: createChangeFeed({ store, clock, log }),
    log,
    actions: {
      store,
      clock,
      sources: config.sources.map((s) => ({ name: s.name, replicaUUID: s.replicaUUID })),
      budget: { scope: budgetScope(config.api.baseUrl), limit: config.limits.uploadsPerHour, windowMs: UPLOAD_WINDOW_MS },
      daemon: deps.daemon,
    },
  });
}
