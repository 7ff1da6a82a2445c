import { describe, expect, it } from 'vitest';
import { createApiReachability } from '../../src/daemon/api-reachability.js';
import { livenessProblems, readinessProblems } from '../../src/daemon/health-decisions.js';
import { createLoopHeartbeat } from '../../src/daemon/loop-heartbeat.js';
import { SensayApiError, type SensayErrorCode } from '../../src/sensay/errors.js';
import { pauseKindOf, pauseReason } from '../../src/uploader/pause-reasons.js';
import { FakeClock } from '../support/fake-clock.js';

const POLL = 30_000;
const apiError = (code: SensayErrorCode) => new SensayApiError({ code, message: 'm', method: 'GET', path: '/p' });

describe('liveness: the loop completes a round, or moves on within one, every 3 poll intervals', () => {
  it('a round running longer than 3 poll intervals is LOOP_STUCK; exactly 3 is still live', async () => {
    const clock = new FakeClock();
    const heartbeat = createLoopHeartbeat(clock);
    await clock.advance(3 * POLL);
    expect(livenessProblems(heartbeat.vitals(), clock.now(), POLL)).toEqual([]);
    await clock.advance(1);
    expect(livenessProblems(heartbeat.vitals(), clock.now(), POLL)).toEqual([{ code: 'LOOP_STUCK', forSeconds: 90 }]);
  });

  it('an idle loop asleep until a far wake-up is live; a wake-up overdue by 3 intervals is not', async () => {
    const clock = new FakeClock();
    const heartbeat = createLoopHeartbeat(clock);
    heartbeat.sleeping(clock.now() + 600_000);
    await clock.advance(600_000 + 3 * POLL);
    expect(livenessProblems(heartbeat.vitals(), clock.now(), POLL)).toEqual([]);
    expect(heartbeat.vitals().lastRoundAt).toBe(clock.now() - 600_000 - 3 * POLL);
    await clock.advance(POLL);
    expect(livenessProblems(heartbeat.vitals(), clock.now(), POLL)).toMatchObject([{ code: 'LOOP_STUCK', forSeconds: 120 }]);
  });

  it('a long round that keeps moving is live: the count runs from its latest progress', async () => {
    const clock = new FakeClock();
    const heartbeat = createLoopHeartbeat(clock);
    // A catch-up pass: 20 poll intervals long, a file examined every 2 intervals.
    for (let i = 0; i < 10; i++) {
      await clock.advance(2 * POLL);
      expect(livenessProblems(heartbeat.vitals(), clock.now(), POLL)).toEqual([]);
      heartbeat.progress();
    }
    // Then nothing moves: stuck 3 intervals after the last progress, not after the round's start.
    await clock.advance(3 * POLL);
    expect(livenessProblems(heartbeat.vitals(), clock.now(), POLL)).toEqual([]);
    await clock.advance(1);
    expect(livenessProblems(heartbeat.vitals(), clock.now(), POLL)).toEqual([{ code: 'LOOP_STUCK', forSeconds: 90 }]);
  });

  it('progress while the loop sleeps does not hide an overdue wake-up', async () => {
    const clock = new FakeClock();
    const heartbeat = createLoopHeartbeat(clock);
    heartbeat.sleeping(clock.now() + 1000);
    await clock.advance(1000 + 3 * POLL + 1);
    heartbeat.progress();
    expect(heartbeat.vitals().busySince).toBeNull();
    expect(livenessProblems(heartbeat.vitals(), clock.now(), POLL)).toMatchObject([{ code: 'LOOP_STUCK' }]);
  });

  it('each round restarts the count', async () => {
    const clock = new FakeClock();
    const heartbeat = createLoopHeartbeat(clock);
    for (let i = 0; i < 5; i++) {
      await clock.advance(2 * POLL);
      heartbeat.sleeping(clock.now() + 1000);
      await clock.advance(1000);
      heartbeat.roundStarting();
      expect(livenessProblems(heartbeat.vitals(), clock.now(), POLL)).toEqual([]);
    }
  });
});

describe('readiness', () => {
  const base = { now: 1_000_000, liveness: [], apiDownSince: null, unhealthyAfterMs: 600_000, paused: [] };

  it('is ready with nothing wrong', () => {
    expect(readinessProblems(base)).toEqual([]);
  });

  it('API_UNREACHABLE only once the API has been unreachable longer than the threshold', () => {
    expect(readinessProblems({ ...base, apiDownSince: base.now - 600_000 })).toEqual([]);
    expect(readinessProblems({ ...base, apiDownSince: base.now - 600_001 })).toEqual([{ code: 'API_UNREACHABLE', forSeconds: 600 }]);
  });

  it('names each paused replica by the kind of its pause; STORE_UNUSABLE when the store could not be read; liveness first', () => {
    const paused = [
      { replicaUUID: 'a', reason: pauseReason('quota', 'a'), until: null },
      { replicaUUID: 'b', reason: pauseReason('replica-not-found', 'b'), until: null },
      { replicaUUID: 'c', reason: 'something else', until: null },
    ];
    expect(readinessProblems({ ...base, paused })).toEqual([
      { code: 'QUOTA_PAUSED', replicaUUID: 'a' },
      { code: 'REPLICA_NOT_FOUND', replicaUUID: 'b' },
      { code: 'REPLICA_PAUSED', replicaUUID: 'c' },
    ]);
    expect(readinessProblems({ ...base, paused: null, liveness: [{ code: 'LOOP_STUCK', forSeconds: 100 }] })).toEqual([
      { code: 'LOOP_STUCK', forSeconds: 100 },
      { code: 'STORE_UNUSABLE' },
    ]);
    expect(pauseKindOf(pauseReason('quota', 'x'))).toBe('quota');
    expect(pauseKindOf('quota')).toBeNull();
  });
});

describe('API reachability', () => {
  it('is down from the first unanswered call until any answer; refusals are answers', async () => {
    const clock = new FakeClock();
    const api = createApiReachability(clock);
    api.failed(apiError('UNREACHABLE'));
    const since = clock.now();
    await clock.advance(5000);
    api.failed(apiError('TIMEOUT'));
    api.failed(apiError('SERVER_ERROR'));
    expect(api.downSince()).toBe(since);
    api.answered();
    expect(api.downSince()).toBeNull();
    api.failed(apiError('CONNECTION_RESET'));
    api.failed(apiError('NOT_FOUND'));
    expect(api.downSince()).toBeNull();
  });
});
