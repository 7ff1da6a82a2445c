import { readFileSync, readlinkSync } from 'node:fs';

/**
 * Who a process is, precisely enough to tell that it is dead (DECISIONS "Identity, leases,
 * fencing"): the kernel's boot id and the pid namespace say which pid table a pid belongs to,
 * and the start time tells a pid apart from its reuse. Containers sharing a hostname have
 * distinct pid namespaces, and a reboot changes the boot id, so neither can be confused.
 * Fields are null where `/proc` cannot tell (not Linux, hardened mounts): such an owner is never
 * judged dead, its lease simply expires.
 */
export interface ProcessIdentity {
  readonly bootId: string | null;
  readonly pidNamespace: string | null;
  readonly pid: number;
  /** Field 22 of `/proc/<pid>/stat`: clock ticks after boot. */
  readonly startTime: string | null;
}

export function currentProcessIdentity(): ProcessIdentity {
  return {
    bootId: readTrimmed('/proc/sys/kernel/random/boot_id'),
    pidNamespace: pidNamespaceOf('self'),
    pid: process.pid,
    startTime: processStartTime(process.pid),
  };
}

/** The start time of `pid` in this pid namespace; null when no such process exists (or no /proc). */
export function processStartTime(pid: number): string | null {
  const stat = readTrimmed(`/proc/${pid}/stat`);
  return stat === null ? null : startTimeFromStat(stat);
}

/** Field 22 of a `/proc/<pid>/stat` line; the command name (field 2) may hold spaces and parentheses. */
export function startTimeFromStat(stat: string): string | null {
  const afterName = stat.slice(stat.lastIndexOf(')') + 2);
  const fields = afterName.split(' ');
  // `fields[0]` is field 3 (state), so field 22 is at index 19.
  const value = fields[19];
  return value !== undefined && /^\d+$/.test(value) ? value : null;
}

function pidNamespaceOf(pid: 'self' | number): string | null {
  try {
    // "pid:[4026531836]"
    return /\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/pid`))?.[1] ?? null;
  } catch {
    return null;
  }
}

function readTrimmed(path: string): string | null {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return text === '' ? null : text;
  } catch {
    return null;
  }
}
