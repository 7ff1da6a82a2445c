import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { PgDatabase } from './pg-database.js';

/** What the clock needs of the engine's Clock port (structural: the store imports nothing of ours). */
export interface BaseClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const SAMPLES = 5;
/** Re-measured this often (real time), so a host whose clock is stepped follows the database again. */
const RESYNC_MS = 10 * 60_000;
const WARN_OFFSET_MS = 1_000;

/**
 * The database's clock, read through this host's: `now()` is the host's time plus the offset to
 * `clock_timestamp()`, measured over the round trip with the least delay (error at most half of
 * it). With PostgreSQL every `now` the engine hands the store (lease ends, ledger slots, request
 * windows, events) is therefore the database's time, whatever this host's clock says, while the
 * Store port keeps taking `now` from its caller (DECISIONS "Clocks"; docs/design.md).
 */
export class DatabaseClock implements BaseClock {
  readonly #base: BaseClock;
  readonly #db: PgDatabase;
  readonly #log: Logger | undefined;
  #offset = 0;
  #precision = Number.POSITIVE_INFINITY;
  #syncedAt = Number.NEGATIVE_INFINITY;
  #syncing: Promise<void> | null = null;

  private constructor(base: BaseClock, db: PgDatabase, log: Logger | undefined) {
    this.#base = base;
    this.#db = db;
    this.#log = log;
  }

  static async start(base: BaseClock, db: PgDatabase, log?: Logger): Promise<DatabaseClock> {
    const clock = new DatabaseClock(base, db, log);
    await clock.sync();
    return clock;
  }

  /** Milliseconds to add to the host's clock to read the database's. */
  get offsetMs(): number {
    return this.#offset;
  }

  /** How far the offset may be off: half the best round trip of the last measure, in the host's milliseconds. */
  get precisionMs(): number {
    return this.#precision;
  }

  now(): number {
    if (performance.now() - this.#syncedAt > RESYNC_MS && this.#syncing === null) {
      // In the background: a failed re-measure keeps the last offset (the store's own calls report the outage).
      this.#syncing = this.sync()
        .catch(() => undefined)
        .finally(() => (this.#syncing = null));
    }
    return this.#base.now() + this.#offset;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.#base.sleep(ms, signal);
  }

  async sync(): Promise<void> {
    let best: { offset: number; roundTrip: number } | null = null;
    for (let i = 0; i < SAMPLES; i++) {
      const before = this.#base.now();
      const row = await this.#db.pool.row<{ ms: number }>("SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms");
      const after = this.#base.now();
      if (!row) continue;
      const roundTrip = after - before;
      if (!best || roundTrip < best.roundTrip) best = { offset: Math.round(row.ms - (before + after) / 2), roundTrip };
    }
    if (!best) return;
    this.#offset = best.offset;
    this.#precision = best.roundTrip / 2;
    this.#syncedAt = performance.now();
    if (Math.abs(best.offset) > WARN_OFFSET_MS) {
      this.#log?.warn(
        { offsetMs: best.offset, target: this.#db.target },
        `this host's clock is ${best.offset} ms behind the database's (${this.#db.target}); leases, the budget and events use the database's`,
      );
    }
  }
}
