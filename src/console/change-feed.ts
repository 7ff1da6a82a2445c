import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { Store } from '../store/store.js';

/** How often the store is asked whether anything changed while a page listens: one small read each. */
const CHECK_MS = 1000;
/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

/**
 * `GET /api/events`: server-sent events telling open pages that the state changed, whoever
 * changed it (this daemon, a `sync` from cron, another host's console). While at least one page
 * listens, the store's newest event, pending actions, pauses and held deletes are compared every
 * second; a difference sends `event: change`, and the page reloads what it shows. No data beyond
 * the time travels on the stream.
 */
export interface ChangeFeed {
  attach(res: ServerResponse): void;
  /** Tells every page at once (after an action). */
  changed(): void;
  close(): void;
}

export function createChangeFeed(deps: { store: Store; clock: Clock; log: Logger }): ChangeFeed {
  const clients = new Set<ServerResponse>();
  const stop = new AbortController();
  let running = false;
  let last = '';

  const send = (text: string) => {
    for (const res of clients) res.write(text);
  };
  const changed = () => send(`event: change\ndata: ${JSON.stringify({ at: new Date(deps.clock.now()).toISOString() })}\n\n`);

  async function loop(): Promise<void> {
    running = true;
    let sinceKeepalive = 0;
    try {
      last = await fingerprint(deps.store);
      while (clients.size > 0 && !stop.signal.aborted) {
        await deps.clock.sleep(CHECK_MS, stop.signal);
        const now = await fingerprint(deps.store);
        if (now !== last) changed();
        last = now;
        sinceKeepalive += CHECK_MS;
        if (sinceKeepalive >= KEEPALIVE_MS) {
          send(': keepalive\n\n');
          sinceKeepalive = 0;
        }
      }
    } catch (err) {
      if (!stop.signal.aborted) deps.log.warn({ err }, 'console: the change feed could not read the state store');
    } finally {
      running = false;
    }
  }

  return {
    attach(res) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
      res.write('retry: 3000\n\n');
      clients.add(res);
      res.on('close', () => clients.delete(res));
      if (!running && !stop.signal.aborted) void loop();
    },
    changed,
    close() {
      stop.abort();
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}

async function fingerprint(store: Store): Promise<string> {
  const [newest] = await store.listEvents({ newestFirst: true, limit: 1 });
  const pending = await store.listPendingActions();
  const held = await store.listHeldDeletes();
  const approvals = await store.listDeleteApprovals();
  return JSON.stringify([newest?.id ?? 0, pending.length, held.map((h) => [h.sourceName, h.documentIds.length]), approvals.map((a) => a.id)]);
}
