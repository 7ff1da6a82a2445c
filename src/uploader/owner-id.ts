import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** A lease owner id unique to this process run: host, pid and a random suffix (pids are reused). */
export function leaseOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}
