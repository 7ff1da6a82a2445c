import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { ConfigError } from '../config/errors.js';
import type { SourceConfig } from '../config/types.js';
import type { SourceLease, SourceOwnerRecord, Store } from '../store/store.js';
import { currentProcessIdentity, processStartTime, type ProcessIdentity } from '../uploader/process-identity.js';
import { deferToLiveHolder, refusalIssues, sortClaims, type ClaimOutcome, type SourceWish } from './ownership-round.js';

export interface HostSessionDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly log: Logger;
  /** `host.name`: the key of source ownership. */
  readonly hostName: string;
  /** Lease owner id of this process (`leaseOwnerId()`). */
  readonly owner: string;
  readonly sources: readonly SourceConfig[];
  /** `host.sourceLeaseSeconds` in ms. */
  readonly sourceLeaseMs: number;
  /** How long a replica's poll lease lasts without a poll renewing it. */
  readonly pollLeaseMs: number;
  /** Default: read from /proc. */
  readonly self?: ProcessIdentity;
  readonly startTimeOf?: (pid: number) => string | null;
}

/**
 * What this host holds among the sources it is configured with (issue 10 §3) and the replicas it
 * polls (§4). `start` registers the host and claims every source, refusing (exit 2) a source a
 * live host owns; then a loop on the clock renews the leases every third of their length, takes
 * over standby sources whose holder is down, and notices a source reclaimed by its home host.
 */
export interface HostSession {
  readonly hostName: string;
  /** Idempotent. Throws `ConfigError` SOURCE_OWNED when another host owns a non-standby source. */
  start(): Promise<void>;
  /**
   * Starts the loop that renews the leases every third of their length (a run that lasts longer
   * than a lease needs it; `openEngine` starts it for every command). Idempotent; after `start`.
   */
  keepAlive(): void;
  owns(sourceName: string): boolean;
  /** The sources this host holds now (their names). */
  ownedSources(): string[];
  /** Sources held by other hosts (their documents are not this host's to plan). */
  foreignSources(): Promise<Set<string>>;
  /** Renews what is held, claims what is free to take; true when the set of owned sources changed. */
  refresh(): Promise<boolean>;
  /** True when this host polls `replicaUUID` (claims or renews the replica's poll lease). */
  mayPoll(replicaUUID: string): Promise<boolean>;
  /** Called after a refresh changed what this host owns (a takeover, a source reclaimed). */
  onChange(listener: () => void): void;
  /** Stops the renewal loop; a source held as a standby is given back at once. */
  close(): Promise<void>;
}

export function createHostSession(deps: HostSessionDeps): HostSession {
  return new Session(deps);
}

class Session implements HostSession {
  readonly hostName: string;
  readonly #deps: HostSessionDeps;
  readonly #log: Logger;
  readonly #wishes: readonly SourceWish[];
  readonly #held = new Map<string, { lease: SourceLease; asStandby: boolean }>();
  readonly #listeners: Array<() => void> = [];
  readonly #stopper = new AbortController();
  #started: Promise<void> | undefined;
  #loop: Promise<void> | undefined;
  #warned = new Set<string>();

  constructor(deps: HostSessionDeps) {
    this.#deps = deps;
    this.hostName = deps.hostName;
    this.#log = deps.log.child({ component: 'hosts', host: deps.hostName });
    this.#wishes = deps.sources.map((source, index) => ({ name: source.name, standby: source.standby === true, index }));
  }

  start(): Promise<void> {
    this.#started ??= this.#start();
    return this.#started;
  }

  async #start(): Promise<void> {
    const { store, clock } = this.#deps;
    const host = await store.registerHost({ hostName: this.hostName, owner: this.#deps.owner, now: clock.now(), newId: randomUUID() });
    const round = sortClaims(await this.#claim(this.#wishes));
    if (round.refused.length > 0) {
      throw new ConfigError({
        code: 'SOURCE_OWNED',
        summary: `This host ("${this.hostName}") is configured with sources another host owns.`,
        issues: refusalIssues(round.refused, this.hostName),
      });
    }
    this.#record(round.granted);
    for (const { source, holder } of round.waiting) {
      this.#log.info({ source: source.name, holder: holder.hostName, leaseUntil: new Date(holder.leaseUntil).toISOString() }, 'standby: another host holds this source; taking it over if that host goes down');
    }
    this.#log.info({ hostId: host.id, owned: this.ownedSources() }, 'host registered');
  }

  keepAlive(): void {
    if (this.#started === undefined) throw new Error('keepAlive() before start()');
    this.#loop ??= this.#renewLoop();
  }

  owns(sourceName: string): boolean {
    return this.#held.has(sourceName);
  }

  ownedSources(): string[] {
    return [...this.#held.keys()].sort();
  }

  async foreignSources(): Promise<Set<string>> {
    const owners = await this.#deps.store.listSourceOwners();
    const foreign = new Set(owners.filter((o) => !this.#held.has(o.sourceName)).map((o) => o.sourceName));
    for (const wish of this.#wishes) if (!this.#held.has(wish.name)) foreign.add(wish.name);
    return foreign;
  }

  async refresh(): Promise<boolean> {
    const before = this.ownedSources().join('\u0000');
    await this.#renewHeld();
    const owners = new Map((await this.#deps.store.listSourceOwners()).map((o) => [o.sourceName, o]));
    const wanted = this.#wishes.filter((w) => !this.#held.has(w.name) && this.#mayTryClaim(w, owners.get(w.name)));
    const round = sortClaims(await this.#claim(wanted));
    this.#record(round.granted);
    for (const { source, holder } of round.refused) this.#warnOnce(source.name, holder);
    return this.ownedSources().join('\u0000') !== before;
  }

  async mayPoll(replicaUUID: string): Promise<boolean> {
    const { store, clock, owner, pollLeaseMs } = this.#deps;
    const claim = await store.claimReplicaLease({ replicaUUID, role: 'poll', hostName: this.hostName, owner, now: clock.now(), leaseMs: pollLeaseMs });
    return claim.held;
  }

  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  async close(): Promise<void> {
    this.#stopper.abort();
    await this.#loop;
    const now = this.#deps.clock.now();
    for (const [name, held] of this.#held) {
      if (!held.asStandby) continue;
      await this.#deps.store.releaseSource(held.lease, now).catch((err: unknown) => this.#log.warn({ err, source: name }, 'could not give the source back; its lease runs out instead'));
      this.#log.info({ source: name }, 'standby: source given back');
    }
    this.#held.clear();
  }

  async #claim(wishes: readonly SourceWish[]): Promise<ClaimOutcome[]> {
    const { store, clock, owner, sourceLeaseMs } = this.#deps;
    const outcomes: ClaimOutcome[] = [];
    for (const source of wishes) {
      const claim = await store.claimSource({ sourceName: source.name, hostName: this.hostName, owner, standby: source.standby, now: clock.now(), leaseMs: sourceLeaseMs });
      outcomes.push({ source, claim });
    }
    return outcomes;
  }

  #record(granted: ReturnType<typeof sortClaims>['granted']): void {
    for (const { source, lease, takenOver } of granted) {
      this.#held.set(source.name, { lease, asStandby: source.standby && takenOver?.reason !== 'RECLAIMED' });
      this.#warned.delete(source.name);
      if (takenOver) this.#log.warn({ source: source.name, from: takenOver.fromHost, reason: takenOver.reason, generation: lease.generation }, takenOver.reason === 'EXPIRED' ? 'took the source over: its holder is down' : 'reclaimed the source from the standby holding it');
    }
  }

  /** A standby tries only once the holder's lease ran out and no live process of it runs here. */
  #mayTryClaim(wish: SourceWish, holder: SourceOwnerRecord | undefined): boolean {
    if (!wish.standby || holder === undefined || holder.hostName === this.hostName) return true;
    if (holder.leaseUntil > this.#deps.clock.now()) return false;
    return !deferToLiveHolder(holder, this.#deps.self ?? currentProcessIdentity(), this.#deps.startTimeOf ?? processStartTime);
  }

  async #renewHeld(): Promise<void> {
    const { store, clock, owner, sourceLeaseMs } = this.#deps;
    for (const [name, held] of [...this.#held]) {
      if (await store.renewSourceLease({ lease: held.lease, owner, now: clock.now(), leaseMs: sourceLeaseMs })) continue;
      this.#held.delete(name);
      this.#log.warn({ source: name, generation: held.lease.generation }, 'lost the source to another host; the job in hand finishes under its own lease, nothing new starts');
    }
  }

  #warnOnce(name: string, holder: SourceOwnerRecord): void {
    if (this.#warned.has(name)) return;
    this.#warned.add(name);
    this.#log.error({ source: name, holder: holder.hostName }, 'another host owns this source now; this host leaves it alone');
  }

  async #renewLoop(): Promise<void> {
    const every = Math.max(1, Math.floor(this.#deps.sourceLeaseMs / 3));
    while (!this.#stopper.signal.aborted) {
      try {
        await this.#deps.clock.sleep(every, this.#stopper.signal);
      } catch {
        return;
      }
      try {
        if (await this.refresh()) for (const listener of this.#listeners) listener();
      } catch (err) {
        // A store that cannot answer now is no proof of a lost source: keep what is held, try again.
        this.#log.warn({ err }, 'could not renew source leases; retrying');
      }
    }
  }
}
