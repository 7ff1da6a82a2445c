import { describe, expect, it } from 'vitest';
import { watchRequests } from '../../src/cli/requests-watch.js';
import type { DeleteApproval, PendingAction, SourcePause } from '../../src/store/store.js';
import { FakeClock, flushMicrotasks } from '../support/fake-clock.js';

const approval = (id: number): DeleteApproval => ({ id, sourceName: 'docs', documentIds: [1], rootDevice: null, approvedAt: 0 });
const quiet = { listPendingActions: () => Promise.resolve<PendingAction[]>([]), pausedSources: () => Promise.resolve<SourcePause[]>([]) };

describe('a running daemon looks for approvals from approve-deletes', () => {
  it('makes a pass due once for each new approval, not for those waiting at start-up, and stops with the signal', async () => {
    const clock = new FakeClock();
    let approvals = [approval(1)];
    let notified = 0;
    const controller = new AbortController();
    const done = watchRequests({ store: { ...quiet, listDeleteApprovals: () => Promise.resolve(approvals) }, clock, notify: () => notified++ }, controller.signal, 1000);

    await flushMicrotasks();
    await clock.advance(1000);
    expect(notified).toBe(0);
    approvals = [approval(1), approval(2)];
    await clock.advance(1000);
    expect(notified).toBe(1);
    await clock.advance(1000);
    expect(notified).toBe(1);
    approvals = [];
    await clock.advance(1000);
    approvals = [approval(3)];
    await clock.advance(1000);
    expect(notified).toBe(2);

    controller.abort();
    await done;
  });

  it('a failed read is reported and the watch carries on', async () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    let calls = 0;
    const controller = new AbortController();
    const store = { ...quiet, listDeleteApprovals: () => (++calls === 1 ? Promise.reject(new Error('busy')) : Promise.resolve([])) };
    const done = watchRequests({ store, clock, notify: () => undefined, onError: (err) => errors.push(err) }, controller.signal, 1000);
    await flushMicrotasks();
    await clock.advance(1000);
    expect(errors).toHaveLength(1);
    expect(calls).toBe(2);
    controller.abort();
    await done;
  });

  it('asks for a pass at once while a "sync now" is pending, and for the jobs when a source is resumed', async () => {
    const clock = new FakeClock();
    let pending: PendingAction[] = [];
    let paused: SourcePause[] = [{ sourceName: 'docs', pausedAt: 0 }];
    const calls: string[] = [];
    const controller = new AbortController();
    const store = { listDeleteApprovals: () => Promise.resolve([]), listPendingActions: () => Promise.resolve(pending), pausedSources: () => Promise.resolve(paused) };
    const done = watchRequests(
      { store, clock, notify: () => calls.push('notify'), scanNow: () => calls.push('scan'), jobsNow: () => calls.push('jobs') },
      controller.signal,
      1000,
    );
    await flushMicrotasks();
    pending = [{ id: 1, kind: 'sync-now', sourceName: null, requestedAt: 0 }];
    await clock.advance(1000);
    expect(calls).toEqual(['scan']);
    pending = [];
    paused = [];
    await clock.advance(1000);
    expect(calls).toEqual(['scan', 'jobs']);
    await clock.advance(1000);
    expect(calls).toEqual(['scan', 'jobs']);
    controller.abort();
    await done;
  });
});
