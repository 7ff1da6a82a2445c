import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { currentProcessIdentity, type ProcessIdentity } from './process-identity.js';

/**
 * A lease owner id unique to this process run, that also says how to tell the process is dead:
 * `host:pid:suffix;boot=<boot id>;pidns=<namespace>;start=<start time>`. The host and a random
 * suffix keep it readable and unique; the identity fields are what dead-owner detection trusts.
 */
export function leaseOwnerId(identity: ProcessIdentity = currentProcessIdentity(), host: string = hostname()): string {
  const head = `${host}:${identity.pid}:${randomBytes(3).toString('hex')}`;
  const fields = [
    identity.bootId && `boot=${identity.bootId}`,
    identity.pidNamespace && `pidns=${identity.pidNamespace}`,
    identity.startTime && `start=${identity.startTime}`,
  ].filter((field): field is string => typeof field === 'string');
  return [head, ...fields].join(';');
}

/** The identity an owner id carries; null for ids without one (older releases, no /proc). */
export function ownerIdentity(owner: string): ProcessIdentity | null {
  const [head, ...fields] = owner.split(';');
  const pid = Number(head?.split(':').at(-2));
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const field = (key: string) => fields.find((f) => f.startsWith(`${key}=`))?.slice(key.length + 1) ?? null;
  const identity = { bootId: field('boot'), pidNamespace: field('pidns'), pid, startTime: field('start') };
  return identity.bootId && identity.pidNamespace && identity.startTime ? identity : null;
}
