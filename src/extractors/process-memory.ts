/**
 * Resident memory of another process, from /proc. pdf.js allocates outside the V8 heap, so a
 * heap limit alone does not bound a worker: the pool checks RSS as the kernel sees it.
 */
import { readFile } from 'node:fs/promises';

/** RSS in bytes, or undefined where /proc is not available (the heap limit still applies). */
export async function readRssBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
