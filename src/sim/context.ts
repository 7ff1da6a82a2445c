import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { EntryStore } from './entry-store.js';
import type { FaultState } from './faults.js';
import type { SimConfig } from './options.js';
import type { Reply } from './reply.js';
import type { SimStats } from './request-log.js';
import type { SlidingWindow } from './sliding-window.js';

/** Everything the handlers share for the simulator's lifetime. */
export interface SimContext {
  readonly config: SimConfig;
  readonly store: EntryStore;
  readonly faults: FaultState;
  /** Creates in the last hour. */
  readonly uploadsWindow: SlidingWindow;
  /** Accepted API requests in the last minute. */
  readonly requestsWindow: SlidingWindow;
  readonly stats: SimStats;
  /** `http://host:port` once listening; signed URLs point here. */
  origin: string;
  quota: boolean;
  /** Aborted by `close()`: wakes injected latencies and hung requests. */
  readonly closing: AbortSignal;
}

/** One request, as the handlers see it. */
export interface RequestContext {
  readonly method: string;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly requestId: string;
  /** The parsed JSON body, for routes that take one. */
  readonly body: unknown;
  /** The raw request, for handlers that stream their body (signed uploads). */
  readonly raw: IncomingMessage;
  /** Clock time the request arrived; every decision about it uses this instant. */
  readonly now: number;
}

export type Handler = (sim: SimContext, request: RequestContext) => Reply | Promise<Reply>;
