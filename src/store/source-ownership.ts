import type { ClaimSourceInput, SourceOwnerRecord, SourceTakeover } from './hosts.js';

/**
 * What a source claim does, given the row in the store (DECISIONS "Ownership between cron
 * runs"). Pure, shared by every adapter, which applies it in one serialised transaction.
 *
 * - No row: the claimer registers the source (as its home, unless it is a standby).
 * - The claimer holds it: renewed (same generation). A host configured without `standby` makes
 *   it its home (the recipe for moving a source for good: standby first, then drop the flag).
 * - Another host holds it, the claimer is not a standby: refused, unless the holder is a standby
 *   and the claimer is the source's home (or it has none): then the home reclaims it at once; the
 *   standby's next renewal fails and it lets go (its job in hand is fenced by its job lease).
 * - Another host holds it, the claimer is a standby: taken over once the holder's lease expired
 *   (a live holder renews it), else refused as waiting.
 */
export type SourceClaimDecision =
  | { action: 'insert'; asStandby: boolean; homeHost: string | null }
  | { action: 'renew'; asStandby: boolean; homeHost: string | null }
  | { action: 'take'; asStandby: boolean; homeHost: string | null; takeover: SourceTakeover }
  | { action: 'refuse'; reason: 'OWNED' | 'STANDBY_WAITING' };

export function decideSourceClaim(
  row: SourceOwnerRecord | null,
  input: Pick<ClaimSourceInput, 'hostName' | 'standby'>,
  now: number,
): SourceClaimDecision {
  const { hostName, standby } = input;
  if (row === null) return { action: 'insert', asStandby: standby, homeHost: standby ? null : hostName };
  if (row.hostName === hostName) {
    return { action: 'renew', asStandby: standby && row.asStandby, homeHost: standby ? row.homeHost : hostName };
  }
  if (!standby) {
    const mayReclaim = row.asStandby && (row.homeHost === null || row.homeHost === hostName);
    if (!mayReclaim) return { action: 'refuse', reason: 'OWNED' };
    return { action: 'take', asStandby: false, homeHost: hostName, takeover: { fromHost: row.hostName, reason: 'RECLAIMED' } };
  }
  if (row.leaseUntil > now) return { action: 'refuse', reason: 'STANDBY_WAITING' };
  return { action: 'take', asStandby: true, homeHost: row.homeHost, takeover: { fromHost: row.hostName, reason: 'EXPIRED' } };
}

/** A replica lease: the holder host renews; another host takes it only once it expired. */
export function decideReplicaLease(
  row: { hostName: string; leaseUntil: number } | null,
  hostName: string,
  now: number,
): 'insert' | 'renew' | 'take' | 'refuse' {
  if (row === null) return 'insert';
  if (row.hostName === hostName) return 'renew';
  return row.leaseUntil > now ? 'refuse' : 'take';
}

/**
 * Permits from a shared sliding window: `batches` are the permits handed out within the window
 * ending `now` (time and count). Grants up to `want` of what is left; none left → when the
 * oldest batches free enough for one permit.
 */
export function decidePermits(
  batches: readonly { takenAt: number; count: number }[],
  input: { want: number; limit: number; windowMs: number; now: number },
): { granted: number; retryAt: number | null } {
  if (!Number.isInteger(input.want) || input.want < 1) {
    throw new RangeError(`Expected \`want\` to be an integer >= 1, got \`${input.want}\``);
  }
  const inWindow = batches.filter((b) => b.takenAt > input.now - input.windowMs).sort((a, b) => a.takenAt - b.takenAt);
  const used = inWindow.reduce((sum, b) => sum + b.count, 0);
  const left = input.limit - used;
  if (left > 0) return { granted: Math.min(input.want, left), retryAt: null };
  let freed = left;
  for (const batch of inWindow) {
    freed += batch.count;
    if (freed >= 1) return { granted: 0, retryAt: batch.takenAt + input.windowMs };
  }
  return { granted: 0, retryAt: input.now + input.windowMs };
}
