/**
 * Coalesces change events into batches of dirty paths, per source. Pure: the caller passes the
 * time and decides when to ask again (`nextDueAt`), so it runs the same under a fake clock.
 *
 * A path is due once it has been quiet for `quietMs` (bursts collapse into one event, the latest
 * winning: remove-then-upsert is an upsert, upsert-then-remove a remove), or once `maxDelayMs`
 * have passed since its first pending event, so a file touched without pause is still handled.
 */
import type { ChangeEvent } from './change-event.js';

export interface ChangeBatcherOptions {
  /** A path's events are held until it has been quiet this long. */
  readonly quietMs: number;
  /** ...but never longer than this after its first pending event (default 10 × quietMs). */
  readonly maxDelayMs?: number | undefined;
}

export interface ChangeBatch {
  readonly source: string;
  /** One event per path, the latest, in the order the paths first became dirty. */
  readonly events: readonly ChangeEvent[];
}

export interface ChangeBatcher {
  add(event: ChangeEvent, now: number): void;
  /** When the earliest pending path becomes due; null when nothing is pending. */
  nextDueAt(): number | null;
  /** Removes and returns every due path, grouped by source (sources in first-dirty order). */
  takeDue(now: number): ChangeBatch[];
  /** Removes and returns everything pending, due or not. */
  takeAll(): ChangeBatch[];
  readonly size: number;
}

interface Pending {
  event: ChangeEvent;
  readonly firstAt: number;
  lastAt: number;
}

export function createChangeBatcher(options: ChangeBatcherOptions): ChangeBatcher {
  const quietMs = nonNegative('quietMs', options.quietMs);
  const maxDelayMs = nonNegative('maxDelayMs', options.maxDelayMs ?? quietMs * 10);
  const pending = new Map<string, Pending>();
  const dueAt = (p: Pending) => Math.min(p.lastAt + quietMs, p.firstAt + Math.max(quietMs, maxDelayMs));

  const take = (isDue: (p: Pending) => boolean): ChangeBatch[] => {
    const bySource = new Map<string, ChangeEvent[]>();
    for (const [key, p] of pending) {
      if (!isDue(p)) continue;
      pending.delete(key);
      const list = bySource.get(p.event.source);
      if (list === undefined) bySource.set(p.event.source, [p.event]);
      else list.push(p.event);
    }
    return [...bySource].map(([source, events]) => ({ source, events }));
  };

  return {
    add(event, now) {
      const key = `${event.source}\0${event.relPath}`;
      const existing = pending.get(key);
      if (existing === undefined) pending.set(key, { event, firstAt: now, lastAt: now });
      else {
        existing.event = event;
        existing.lastAt = Math.max(existing.lastAt, now);
      }
    },
    nextDueAt() {
      let earliest: number | null = null;
      for (const p of pending.values()) {
        const at = dueAt(p);
        if (earliest === null || at < earliest) earliest = at;
      }
      return earliest;
    },
    takeDue: (now) => take((p) => dueAt(p) <= now),
    takeAll: () => take(() => true),
    get size() {
      return pending.size;
    },
  };
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new TypeError(`Expected \`${name}\` to be a finite number >= 0, got \`${String(value)}\``);
  }
  return value;
}
