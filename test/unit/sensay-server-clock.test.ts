import { describe, expect, it } from 'vitest';
import {
  estimateOffset,
  offsetSample,
  OFFSET_SAFETY_MS,
  ServerClockTracker,
  serverTimeOnLocalClock,
  UNKNOWN_OFFSET,
} from '../../src/sensay/server-clock.js';

const T = Date.parse('2026-12-03T12:00:00.000Z');
const httpDate = (ms: number) => new Date(ms).toUTCString();

describe('server clock offset from Date headers', () => {
  it('one answer bounds the offset by the Date resolution and the round trip', () => {
    // Server 15 min ahead; the answer left it 40 ms into the round trip.
    const server = T + 15 * 60_000 + 40 + 700;
    const sample = offsetSample(httpDate(server), T, T + 80);
    expect(sample).not.toBeNull();
    const truth = 15 * 60_000 + 700;
    expect(sample!.lowMs).toBeLessThanOrEqual(truth);
    expect(sample!.highMs).toBeGreaterThanOrEqual(truth);
    expect(sample!.highMs - sample!.lowMs).toBe(1000 + 80);
  });

  it('the estimate is within its margin of the true offset, for a clock behind or ahead', () => {
    for (const truth of [-15 * 60_000 - 321, 0, 15 * 60_000 + 987]) {
      const tracker = new ServerClockTracker();
      for (let i = 0; i < 10; i++) {
        const sentAt = T + i * 7_321;
        const receivedAt = sentAt + 30 + (i % 3) * 10;
        tracker.observe(httpDate(sentAt + 12 + truth), sentAt, receivedAt);
      }
      const { offsetMs, marginMs } = tracker.current();
      expect(Math.abs(offsetMs - truth)).toBeLessThanOrEqual(marginMs);
      expect(marginMs).toBeGreaterThanOrEqual(OFFSET_SAFETY_MS);
      expect(marginMs).toBeLessThan(OFFSET_SAFETY_MS + 600);
    }
  });

  it('a contradicting answer (a clock was stepped) starts the estimate afresh', () => {
    const before = { lowMs: 0, highMs: 1000 };
    const after = { lowMs: 60_000, highMs: 61_000 };
    expect(estimateOffset([before, before, after]).offsetMs).toBe(60_500);
  });

  it('no Date header: no offset assumed, a wide margin', () => {
    const tracker = new ServerClockTracker();
    tracker.observe(undefined, T, T + 5);
    tracker.observe('not a date', T, T + 5);
    expect(tracker.current()).toEqual(UNKNOWN_OFFSET);
  });

  it('reads a server timestamp on the local clock as an interval', () => {
    const bounds = serverTimeOnLocalClock(new Date(T + 900_000).toISOString(), { offsetMs: 900_000, marginMs: 1500 });
    expect(bounds).toEqual({ earliest: T - 1500, latest: T + 1500 });
    expect(serverTimeOnLocalClock('garbage', { offsetMs: 0, marginMs: 0 })).toBeNull();
  });
});
