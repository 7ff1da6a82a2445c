/**
 * What the API's `Date` headers tell us about the server's clock (DESIGN §12: timestamps from the
 * server are compared only after correcting for the offset seen in `Date`).
 *
 * One answer proves an interval: the server stamped `Date` (whole seconds, truncated) at some
 * instant between our send and our receipt, so server − local lies in
 * (date − receivedAt, date + 1000 − sentAt). Intervals of recent answers are intersected (the
 * offset does not move between them); a sample that contradicts the others (our clock or the
 * server's was stepped) starts the intersection afresh.
 */

/** `server time = local time + offsetMs`, known to within ± `marginMs`. */
export interface ClockOffset {
  readonly offsetMs: number;
  readonly marginMs: number;
}

export interface OffsetSample {
  /** Lowest and highest offset (server − local) this answer allows. */
  readonly lowMs: number;
  readonly highMs: number;
}

/** `Date` has a resolution of one second. */
export const DATE_RESOLUTION_MS = 1000;
/** Added to every margin: a server behind a load balancer may answer from machines a little apart. */
export const OFFSET_SAFETY_MS = 1000;
/** Before any answer carried a `Date` (or a server that sends none): assume no offset, allow this much. */
export const UNKNOWN_OFFSET: ClockOffset = Object.freeze({ offsetMs: 0, marginMs: 30 * 60_000 });
/** How many recent answers are intersected. */
const MAX_SAMPLES = 32;

/** The interval one answer proves, or null when its `Date` header is missing or unreadable. */
export function offsetSample(dateHeader: string | string[] | undefined, sentAt: number, receivedAt: number): OffsetSample | null {
  const text = Array.isArray(dateHeader) ? dateHeader[0] : dateHeader;
  if (typeof text !== 'string') return null;
  const date = Date.parse(text);
  if (!Number.isFinite(date) || receivedAt < sentAt) return null;
  return { lowMs: date - receivedAt, highMs: date + DATE_RESOLUTION_MS - sentAt };
}

/** The intersection of the newest samples that agree with each other, as an offset ± margin. */
export function estimateOffset(samples: readonly OffsetSample[]): ClockOffset {
  let low = Number.NEGATIVE_INFINITY;
  let high = Number.POSITIVE_INFINITY;
  let used = 0;
  for (let i = samples.length - 1; i >= 0; i--) {
    const sample = samples[i];
    if (sample === undefined) continue;
    const nextLow = Math.max(low, sample.lowMs);
    const nextHigh = Math.min(high, sample.highMs);
    if (nextLow > nextHigh) break;
    low = nextLow;
    high = nextHigh;
    used++;
  }
  if (used === 0) return UNKNOWN_OFFSET;
  return { offsetMs: Math.round((low + high) / 2), marginMs: Math.ceil((high - low) / 2) + OFFSET_SAFETY_MS };
}

/** Collects samples from every answer of one client. */
export class ServerClockTracker {
  #samples: OffsetSample[] = [];
  #estimate: ClockOffset = UNKNOWN_OFFSET;

  observe(dateHeader: string | string[] | undefined, sentAt: number, receivedAt: number): void {
    const sample = offsetSample(dateHeader, sentAt, receivedAt);
    if (sample === null) return;
    this.#samples.push(sample);
    if (this.#samples.length > MAX_SAMPLES) this.#samples = this.#samples.slice(-MAX_SAMPLES);
    this.#estimate = estimateOffset(this.#samples);
  }

  current(): ClockOffset {
    return this.#estimate;
  }
}

/** A server timestamp (ISO string) read on our clock, as the earliest and latest it may be. */
export function serverTimeOnLocalClock(iso: unknown, offset: ClockOffset): { earliest: number; latest: number } | null {
  const at = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
  if (!Number.isFinite(at)) return null;
  const local = at - offset.offsetMs;
  return { earliest: local - offset.marginMs, latest: local + offset.marginMs };
}
