/**
 * The settle window of a sync pass (`daemon.awaitWriteFinishMs`): a new or changed file modified
 * less than the window ago may still be being copied, and a partial file must never be extracted
 * or uploaded.
 *
 * The daemon defers such files to a pass of their own once they have settled (`holdYoung`). A
 * one-shot run (`sync`, `sync --dry-run`, a `schedule` tick) has no later pass to defer to, so it
 * waits out the rest of the window on the clock, stats the young files again and takes every one
 * that stopped changing (`settleByWaiting`); only files still changing then are left unread.
 */
import { lstat } from 'node:fs/promises';
import type { Clock } from '../clock/clock.js';
import type { FoundFile } from '../watchers/index.js';

/** A found file and whether this pass must read it. */
export interface ToExamine {
  readonly found: FoundFile;
  readonly discoveredAt: number;
  readonly read: boolean;
}

export interface Held {
  readonly files: ToExamine[];
  /** Files left unread because they are still being written. */
  readonly settling: FoundFile[];
  /** The earliest moment a settling file is old enough to read; null when none is settling. */
  readonly settlingUntil: number | null;
}

/**
 * Files that would be read but were modified less than `settleMs` ago are left unread. An mtime
 * ahead of `now` is not young: it says nothing about when writing stopped (clock skew, a copy that
 * kept a future stamp), and holding such a file back could last for as long as the skew.
 */
export function holdYoung(files: readonly ToExamine[], now: number, settleMs: number): Held {
  const settling: FoundFile[] = [];
  let settlingUntil: number | null = null;
  const held = files.map((file) => {
    if (!isYoung(file, now, settleMs)) return file;
    settling.push(file.found);
    const until = file.found.mtimeMs + settleMs;
    settlingUntil = settlingUntil === null ? until : Math.min(settlingUntil, until);
    return { ...file, read: false };
  });
  return { files: held, settling, settlingUntil };
}

function isYoung(file: ToExamine, now: number, settleMs: number): boolean {
  const age = now - file.found.mtimeMs;
  return file.read && age >= 0 && age < settleMs;
}

/** When the youngest file to read will be as old as the window; null when none is young. */
export function settleDeadline(files: readonly ToExamine[], now: number, settleMs: number): number | null {
  let deadline: number | null = null;
  for (const file of files) {
    if (!isYoung(file, now, settleMs)) continue;
    const until = file.found.mtimeMs + settleMs;
    deadline = deadline === null ? until : Math.max(deadline, until);
  }
  return deadline;
}

/** The stat of a file after the wait; null when it is gone. */
export type Restat = { readonly size: number; readonly mtimeMs: number } | null;

export type AfterWait =
  /** Same size and mtime as at the scan: it stopped changing, read it. */
  | { readonly kind: 'settled' }
  /** Still being written: left unread, with the stat it has now. */
  | { readonly kind: 'changing'; readonly found: FoundFile }
  /** Gone meanwhile: not read; the next pass sees it missing. */
  | { readonly kind: 'gone' };

/** What a young file became after the wait. */
export function afterWait(found: FoundFile, now: Restat): AfterWait {
  if (now === null) return { kind: 'gone' };
  if (now.size === found.size && now.mtimeMs === found.mtimeMs) return { kind: 'settled' };
  return { kind: 'changing', found: { ...found, size: now.size, mtimeMs: now.mtimeMs, changed: true } };
}

export interface SettleDeps {
  readonly clock: Clock;
  readonly settleMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Stats one file again (default: lstat). */
  readonly restat?: (absPath: string) => Promise<Restat>;
}

/**
 * Waits until the youngest file to read is as old as the window (never longer than the window),
 * stats the young files again, and leaves unread only those that changed meanwhile. A stop
 * signal during the wait ends it early: the young files are then simply held, as the daemon would.
 */
export async function settleByWaiting(files: readonly ToExamine[], deps: SettleDeps): Promise<Held> {
  const { clock, settleMs } = deps;
  const start = clock.now();
  const deadline = settleDeadline(files, start, settleMs);
  if (deadline === null) return holdYoung(files, start, settleMs);
  try {
    await clock.sleep(Math.min(deadline - start, settleMs), deps.signal);
  } catch {
    return holdYoung(files, clock.now(), settleMs);
  }
  const restat = deps.restat ?? statFile;
  const settling: FoundFile[] = [];
  const result = await Promise.all(
    files.map(async (file): Promise<ToExamine> => {
      if (!isYoung(file, start, settleMs)) return file;
      const outcome = afterWait(file.found, await restat(file.found.absPath));
      if (outcome.kind === 'settled') return file;
      if (outcome.kind === 'gone') return { ...file, read: false };
      settling.push(outcome.found);
      return { ...file, found: outcome.found, read: false };
    }),
  );
  const now = clock.now();
  const settlingUntil = settling.reduce<number | null>((min, found) => {
    const until = Math.max(found.mtimeMs + settleMs, now);
    return min === null ? until : Math.min(min, until);
  }, null);
  return { files: result, settling, settlingUntil };
}

async function statFile(absPath: string): Promise<Restat> {
  try {
    const stats = await lstat(absPath);
    return stats.isFile() ? { size: stats.size, mtimeMs: stats.mtimeMs } : null;
  } catch {
    return null;
  }
}
