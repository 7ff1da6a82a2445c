import type { SourceClaim, SourceLease, SourceOwnerRecord, SourceTakeover } from '../store/hosts.js';
import { isAliveOnThisHost } from '../uploader/dead-owners.js';
import type { ProcessIdentity } from '../uploader/process-identity.js';

/** A configured source as ownership sees it. */
export interface SourceWish {
  readonly name: string;
  readonly standby: boolean;
  /** Its position in `sources`, for messages that name the key. */
  readonly index: number;
}

export interface ClaimOutcome {
  readonly source: SourceWish;
  readonly claim: SourceClaim;
}

/** One round of claims sorted by what it means for this host. */
export interface OwnershipRound {
  readonly granted: ReadonlyArray<{ source: SourceWish; lease: SourceLease; takenOver: SourceTakeover | null }>;
  /** Standby sources another host holds, for now. */
  readonly waiting: ReadonlyArray<{ source: SourceWish; holder: SourceOwnerRecord }>;
  /** Sources of another host that this host may not take (not configured as standby). */
  readonly refused: ReadonlyArray<{ source: SourceWish; holder: SourceOwnerRecord }>;
}

export function sortClaims(outcomes: readonly ClaimOutcome[]): OwnershipRound {
  const granted: Array<OwnershipRound['granted'][number]> = [];
  const waiting: Array<OwnershipRound['waiting'][number]> = [];
  const refused: Array<OwnershipRound['refused'][number]> = [];
  for (const { source, claim } of outcomes) {
    if (claim.granted) granted.push({ source, lease: claim.lease, takenOver: claim.takenOver });
    else if (claim.reason === 'STANDBY_WAITING') waiting.push({ source, holder: claim.holder });
    else refused.push({ source, holder: claim.holder });
  }
  return { granted, waiting, refused };
}

/** One line per refused source: which key, whose it is, and the two ways out. */
export function refusalIssues(refused: OwnershipRound['refused'], hostName: string): string[] {
  return refused.map(({ source, holder }) => {
    const home = holder.homeHost !== null && holder.homeHost !== holder.hostName ? ` (its home host is "${holder.homeHost}")` : '';
    return (
      `sources[${source.index}] "${source.name}": owned by host "${holder.hostName}"${home}, and this host is "${hostName}". ` +
      `Only the owner scans, plans and deletes a source: remove it from this host's config, or set ` +
      `sources[${source.index}].standby: true to take it over while "${holder.hostName}" is down`
    );
  });
}

/**
 * Pure: a standby defers to a holder whose process provably still runs on this machine, even
 * past its lease (DECISIONS: the owner must have no live process). Other holders (other
 * machines, no identity) are judged by the lease alone, which the store already did.
 */
export function deferToLiveHolder(
  holder: SourceOwnerRecord,
  self: ProcessIdentity,
  startTimeOf: (pid: number) => string | null,
): boolean {
  return isAliveOnThisHost(holder.owner, self, startTimeOf);
}
