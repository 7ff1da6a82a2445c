import { SimulatorOptionsError } from './errors.js';

/** Which requests a fault hits: API calls (default), signed-URL uploads, or both. */
export type FaultScope = 'api' | 'upload' | 'all';
/** The body of an injected 5xx: the API's error envelope (default), an HTML gateway page, or nothing. */
export type FaultBody = 'envelope' | 'html' | 'empty';

/**
 * An injected server error: `every: N` fails every N-th matching request (counting from the
 * injection); `next: N` fails the next N. `status` defaults to 500 (which carries
 * `inner_exception` in the envelope).
 */
export type Status5xxFault = ({ every: number } | { next: number }) & {
  status?: number;
  body?: FaultBody;
  scope?: FaultScope;
};

/**
 * Transport faults. Pass them in `options.faults` or at runtime with `sim.inject({...})`:
 * a key given replaces that fault, `null` clears it, an absent key leaves it as it is.
 * `sim.resetFaults()` clears them all.
 */
export interface FaultOptions {
  status5xx?: Status5xxFault | null;
  /** Delay before answering, slept on the simulator's clock. A number applies to API calls. */
  latencyMs?: number | { ms: number; scope?: FaultScope } | null;
  /**
   * Destroy the socket of the next N matching requests without an answer. The request is not
   * processed. On an upload the socket is cut after the first body chunk (a reset mid-PUT).
   */
  dropConnection?: { next: number; scope?: FaultScope } | null;
  /**
   * The next N creates are processed (the entry exists and counts toward the hourly window) but
   * never answered: `hang` (default) holds the connection open until the client gives up,
   * `drop` cuts it. This is the ambiguous outcome a client must reconcile.
   */
  createTimeout?: { next: number; mode?: 'hang' | 'drop' } | null;
  /**
   * The storage refuses signed-URL PUTs with `status` (400–599): every PUT, or the next `next`.
   * The bytes are not stored and the entry stays `NEW`, as a real storage that refuses does.
   */
  uploadRefusal?: { status: number; next?: number } | null;
  /**
   * The next N PATCHes carrying `rawText` are applied (the entry is processed again) but never
   * answered, like `createTimeout`: the in-place update a client must settle after a crash.
   */
  patchTimeout?: { next: number; mode?: 'hang' | 'drop' } | null;
  /**
   * Answer the next N matching API calls 429 `REQUEST_RATE_LIMIT_EXCEEDED` with
   * `Retry-After: retryAfterSeconds` (default 1), whatever the request window says: a throttle
   * burst on demand. The request is not processed.
   */
  throttle?: { next: number; retryAfterSeconds?: number } | null;
}

export type RequestScope = 'api' | 'upload';
export interface InjectedError {
  readonly status: number;
  readonly body: FaultBody;
}

type Counted = { remaining: number; scope: FaultScope };
type ErrorFault = { mode: 'every' | 'next'; n: number; seen: number; status: number; body: FaultBody; scope: FaultScope };

/** Validates a fault set (used for options and for every `inject`). */
export function normaliseFaults(faults: FaultOptions): FaultOptions {
  if (typeof faults !== 'object' || faults === null) throw new SimulatorOptionsError('faults', 'an object', faults);
  const s = faults.status5xx;
  if (s) {
    const n = 'every' in s ? s.every : s.next;
    count('every' in s ? 'faults.status5xx.every' : 'faults.status5xx.next', n);
    const status = s.status ?? 500;
    if (!Number.isInteger(status) || status < 500 || status > 599) {
      throw new SimulatorOptionsError('faults.status5xx.status', 'an integer from 500 to 599', s.status);
    }
  }
  const latency = faults.latencyMs;
  if (latency !== undefined && latency !== null) {
    const ms = typeof latency === 'number' ? latency : latency.ms;
    if (!(typeof ms === 'number' && Number.isFinite(ms) && ms >= 0)) {
      throw new SimulatorOptionsError('faults.latencyMs', 'a finite number >= 0', ms);
    }
  }
  if (faults.dropConnection) count('faults.dropConnection.next', faults.dropConnection.next);
  if (faults.createTimeout) count('faults.createTimeout.next', faults.createTimeout.next);
  const refusal = faults.uploadRefusal;
  if (refusal) {
    if (!(Number.isInteger(refusal.status) && refusal.status >= 400 && refusal.status <= 599)) {
      throw new SimulatorOptionsError('faults.uploadRefusal.status', 'an integer from 400 to 599', refusal.status);
    }
    if (refusal.next !== undefined) count('faults.uploadRefusal.next', refusal.next);
  }
  if (faults.patchTimeout) count('faults.patchTimeout.next', faults.patchTimeout.next);
  if (faults.throttle) {
    count('faults.throttle.next', faults.throttle.next);
    if (faults.throttle.retryAfterSeconds !== undefined) count('faults.throttle.retryAfterSeconds', faults.throttle.retryAfterSeconds);
  }
  return faults;
}

function count(key: string, value: unknown): void {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= 1)) {
    throw new SimulatorOptionsError(key, 'an integer >= 1', value);
  }
}

const hits = (scope: FaultScope, request: RequestScope) => scope === 'all' || scope === request;

/** The live fault settings. Deciding a fault consumes it (`next` counters count down). */
export class FaultState {
  #error: ErrorFault | null = null;
  #latency: { ms: number; scope: FaultScope } | null = null;
  #drop: Counted | null = null;
  #createTimeout: { remaining: number; mode: 'hang' | 'drop' } | null = null;
  #uploadRefusal: { status: number; remaining: number } | null = null;
  #patchTimeout: { remaining: number; mode: 'hang' | 'drop' } | null = null;
  #throttle: { remaining: number; retryAfterSeconds: number } | null = null;

  constructor(initial: FaultOptions) {
    this.inject(initial);
  }

  inject(faults: FaultOptions): void {
    normaliseFaults(faults);
    if (faults.status5xx !== undefined) this.#error = toErrorFault(faults.status5xx);
    if (faults.latencyMs !== undefined) {
      const l = faults.latencyMs;
      this.#latency = l === null ? null : typeof l === 'number' ? { ms: l, scope: 'api' } : { ms: l.ms, scope: l.scope ?? 'api' };
    }
    if (faults.dropConnection !== undefined) {
      const d = faults.dropConnection;
      this.#drop = d === null ? null : { remaining: d.next, scope: d.scope ?? 'api' };
    }
    if (faults.createTimeout !== undefined) {
      const c = faults.createTimeout;
      this.#createTimeout = c === null ? null : { remaining: c.next, mode: c.mode ?? 'hang' };
    }
    if (faults.uploadRefusal !== undefined) {
      const r = faults.uploadRefusal;
      this.#uploadRefusal = r === null ? null : { status: r.status, remaining: r.next ?? Infinity };
    }
    if (faults.patchTimeout !== undefined) {
      const p = faults.patchTimeout;
      this.#patchTimeout = p === null ? null : { remaining: p.next, mode: p.mode ?? 'hang' };
    }
    if (faults.throttle !== undefined) {
      const t = faults.throttle;
      this.#throttle = t === null ? null : { remaining: t.next, retryAfterSeconds: t.retryAfterSeconds ?? 1 };
    }
  }

  reset(): void {
    this.#error = this.#latency = this.#drop = this.#createTimeout = this.#uploadRefusal = this.#patchTimeout = this.#throttle = null;
  }

  /** The status a signed-URL PUT is refused with, or null to let it through. */
  takeUploadRefusal(): number | null {
    const refusal = this.#uploadRefusal;
    if (!refusal) return null;
    if (--refusal.remaining <= 0) this.#uploadRefusal = null;
    return refusal.status;
  }

  latencyFor(request: RequestScope): number {
    return this.#latency && hits(this.#latency.scope, request) ? this.#latency.ms : 0;
  }

  takeDrop(request: RequestScope): boolean {
    const drop = this.#drop;
    if (!drop || !hits(drop.scope, request)) return false;
    if (--drop.remaining <= 0) this.#drop = null;
    return true;
  }

  takeError(request: RequestScope): InjectedError | null {
    const fault = this.#error;
    if (!fault || !hits(fault.scope, request)) return null;
    fault.seen++;
    if (fault.mode === 'every') return fault.seen % fault.n === 0 ? { status: fault.status, body: fault.body } : null;
    if (fault.seen >= fault.n) this.#error = null;
    return { status: fault.status, body: fault.body };
  }

  takePatchTimeout(): 'hang' | 'drop' | null {
    const timeout = this.#patchTimeout;
    if (!timeout) return null;
    if (--timeout.remaining <= 0) this.#patchTimeout = null;
    return timeout.mode;
  }

  /** Seconds of Retry-After for an injected 429 on this API call, or null. */
  takeThrottle(request: RequestScope): number | null {
    const throttle = this.#throttle;
    if (!throttle || request !== 'api') return null;
    if (--throttle.remaining <= 0) this.#throttle = null;
    return throttle.retryAfterSeconds;
  }

  takeCreateTimeout(): 'hang' | 'drop' | null {
    const timeout = this.#createTimeout;
    if (!timeout) return null;
    if (--timeout.remaining <= 0) this.#createTimeout = null;
    return timeout.mode;
  }
}

function toErrorFault(fault: Status5xxFault | null): ErrorFault | null {
  if (fault === null) return null;
  const common = { seen: 0, status: fault.status ?? 500, body: fault.body ?? 'envelope', scope: fault.scope ?? 'api' } as const;
  return 'every' in fault ? { mode: 'every', n: fault.every, ...common } : { mode: 'next', n: fault.next, ...common };
}
