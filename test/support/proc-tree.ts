/** A process tree as Linux's /proc shows it: descendants of a pid, their command lines and RSS. */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

async function parentOf(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

/** Every live descendant of `root` (children, grandchildren …). */
export async function descendants(root: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const parents = new Map<number, number>();
  await Promise.all(
    pids.map(async (pid) => {
      const parent = await parentOf(pid);
      if (parent !== undefined) parents.set(pid, parent);
    }),
  );
  const found: number[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const at = frontier.pop() as number;
    for (const [pid, parent] of parents) {
      if (parent === at) {
        found.push(pid);
        frontier.push(pid);
      }
    }
  }
  return found;
}

export async function commandLine(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ');
}

/** NAME=value pairs of a process's initial environment. */
export async function environment(pid: number): Promise<string[]> {
  return (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0').filter(Boolean);
}

/** A process's CPU (utime + stime) in clock ticks; 0 once it has exited. */
export function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}
