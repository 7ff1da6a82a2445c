import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';

/**
 * The built-in scheduler behind `schedule --cron` (issue 5). croner only interprets the
 * expression (a pure "next time after t"); waiting happens on the injected Clock, so the
 * overlap guard and the tick timing are driven by a FakeClock in tests.
 */
export interface CronSchedule {
  readonly expression: string;
  /** The next `count` run times strictly after `after` (epoch ms, whole seconds). */
  nextRuns(after: number, count: number): number[];
}

export type CronParse =
  | { ok: true; schedule: CronSchedule }
  | { ok: false; reason: 'INVALID_CRON' | 'NEVER_RUNS'; detail: string };

/** Five fields (minute first) or six (seconds first), in the host's local time, like cron. */
export function parseCron(expression: string, now: number): CronParse {
  let cron: Cron;
  try {
    // paused and without a callback: croner starts no timer, it only computes dates.
    cron = new Cron(expression.trim(), { paused: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: 'INVALID_CRON', detail: message.replace(/^CronPattern:\s*/, '') };
  }
  const schedule: CronSchedule = {
    expression,
    nextRuns: (after, count) => cron.nextRuns(count, new Date(after)).map((date) => date.getTime()),
  };
  if (schedule.nextRuns(now, 1).length === 0) {
    return { ok: false, reason: 'NEVER_RUNS', detail: 'it matches no date from now on' };
  }
  return { ok: true, schedule };
}

/** Where ticks come from: the port that stands between the guard and real time. */
export interface TickSource {
  /** Calls `onTick` at each scheduled time until `signal` aborts, then resolves. */
  run(onTick: (at: number) => void, signal: AbortSignal): Promise<void>;
}

/**
 * Ticks at the schedule's times, read from `clock`. Sleeps are capped so that a clock jump
 * (NTP, a suspended host) or a far-away next run is re-evaluated instead of overslept; runs
 * missed while the host slept collapse into one tick.
 */
export function clockTicks(schedule: CronSchedule, clock: Clock, maxSleepMs = 60_000): TickSource {
  return {
    async run(onTick, signal) {
      let target = schedule.nextRuns(clock.now(), 1)[0];
      while (target !== undefined && !signal.aborted) {
        const now = clock.now();
        if (now >= target) {
          onTick(target);
          target = schedule.nextRuns(Math.max(now, target), 1)[0];
          continue;
        }
        try {
          await clock.sleep(Math.min(target - now, maxSleepMs), signal);
        } catch {
          return;
        }
      }
    },
  };
}

/** At most one run at a time; a tick that finds one going is refused, with its start. */
export class OverlapGuard {
  #runningSince: number | null = null;

  tryEnter(now: number): { ok: true } | { ok: false; runningSince: number } {
    if (this.#runningSince !== null) return { ok: false, runningSince: this.#runningSince };
    this.#runningSince = now;
    return { ok: true };
  }

  leave(): void {
    this.#runningSince = null;
  }

  get busy(): boolean {
    return this.#runningSince !== null;
  }
}

/** What one run tells the scheduler: carry on, or stop for good (an auth failure). */
export type RunVerdict = { readonly next: 'continue' } | { readonly next: 'stop'; readonly reason: string };

export interface SkippedTick {
  readonly at: number;
  readonly run: number;
  readonly runningSince: number;
}

export interface SchedulerDeps {
  readonly clock: Clock;
  readonly log: Logger;
  readonly ticks: TickSource;
  /** One run, numbered from 1. It is handed a signal that aborts when the schedule stops. */
  run(signal: AbortSignal, run: number): Promise<RunVerdict>;
  onSkip?(tick: SkippedTick): void;
}

export interface ScheduleReport {
  readonly runs: number;
  readonly skipped: number;
  /** Runs that threw: logged, and the schedule carried on. */
  readonly failed: number;
  /** `signal`: asked to stop; `run`: a run said stop (see `reason`); `ended`: no run time is left. */
  readonly stoppedBy: 'signal' | 'run' | 'ended';
  readonly reason?: string;
}

/**
 * Runs `deps.run` on every tick, never two at once, until `signal` aborts or a run says stop.
 * On abort the run in hand sees its signal abort and is awaited, so the caller may close
 * the store as soon as this resolves.
 */
export async function runSchedule(deps: SchedulerDeps, signal: AbortSignal): Promise<ScheduleReport> {
  const { clock, ticks } = deps;
  const log = deps.log.child({ component: 'scheduler' });
  const stop = new AbortController();
  const forward = () => stop.abort(signal.reason);
  if (signal.aborted) forward();
  else signal.addEventListener('abort', forward, { once: true });

  const guard = new OverlapGuard();
  const counts = { runs: 0, skipped: 0, failed: 0 };
  let stopReason: string | undefined;
  let inHand: Promise<void> = Promise.resolve();

  const startRun = async (n: number, startedAt: number) => {
    try {
      const verdict = await deps.run(stop.signal, n);
      log.debug({ run: n, ms: clock.now() - startedAt }, 'scheduled run finished');
      if (verdict.next === 'stop' && !stop.signal.aborted) {
        stopReason = verdict.reason;
        log.error({ run: n, reason: verdict.reason }, 'schedule stopped by a run');
        stop.abort(new Error(verdict.reason));
      }
    } catch (err) {
      if (!stop.signal.aborted) {
        counts.failed++;
        log.error({ run: n, err }, 'scheduled run failed; the schedule carries on');
      }
    } finally {
      guard.leave();
    }
  };

  const onTick = (at: number) => {
    const entered = guard.tryEnter(clock.now());
    if (!entered.ok) {
      counts.skipped++;
      const skipped = { at, run: counts.runs, runningSince: entered.runningSince };
      log.warn(
        { tick: new Date(at).toISOString(), run: skipped.run, runningSince: new Date(skipped.runningSince).toISOString() },
        'tick skipped: the previous run is still going',
      );
      deps.onSkip?.(skipped);
      return;
    }
    counts.runs++;
    inHand = startRun(counts.runs, clock.now());
  };

  try {
    await ticks.run(onTick, stop.signal);
    await inHand;
  } finally {
    signal.removeEventListener('abort', forward);
  }
  if (stopReason !== undefined) return { ...counts, stoppedBy: 'run', reason: stopReason };
  return { ...counts, stoppedBy: stop.signal.aborted ? 'signal' : 'ended' };
}
