/**
 * The store's side of the delete valve for one pass: which approvals and root devices the planner
 * judges with, and, after the plan, what is held now, which approvals were used, and the device
 * recorded for each root (DECISIONS "The valve and drop folders").
 */
import type { Logger } from 'pino';
import type { HeldDeleteRecord, Store } from '../store/store.js';
import type { ScanResult } from '../watchers/index.js';
import type { HeldDeletes, PlanApproval, RootCheck } from './plan-types.js';

export interface DeleteContext {
  readonly approvals: Readonly<Record<string, PlanApproval>>;
  readonly roots: Readonly<Record<string, RootCheck>>;
  /** Devices seen by this pass's complete scans, by source. */
  readonly devices: Readonly<Record<string, string>>;
  /** Sources without a recorded device yet (their first scan). */
  readonly firstScans: readonly string[];
}

/** Reads approvals and recorded root devices (a pass with no store has neither). */
export async function loadDeleteContext(store: Store | null, scans: readonly ScanResult[]): Promise<DeleteContext> {
  const devices: Record<string, string> = {};
  for (const scan of scans) if (scan.complete && scan.rootDevice !== undefined) devices[scan.source] = scan.rootDevice;
  if (store === null) return { approvals: {}, roots: {}, devices, firstScans: Object.keys(devices) };
  const approvals: Record<string, PlanApproval> = {};
  for (const a of await store.listDeleteApprovals()) approvals[a.sourceName] = { id: a.id, documentIds: a.documentIds, rootDevice: a.rootDevice };
  const recorded = new Map((await store.listSourceRoots()).map((root) => [root.sourceName, root.device]));
  return { approvals, roots: compareRoots(devices, recorded), devices, firstScans: Object.keys(devices).filter((name) => !recorded.has(name)) };
}

/** Pure: a root is `changed` when a device was recorded for it and this scan saw another. */
export function compareRoots(devices: Readonly<Record<string, string>>, recorded: ReadonlyMap<string, string>): Record<string, RootCheck> {
  const roots: Record<string, RootCheck> = {};
  for (const [source, current] of Object.entries(devices)) {
    const before = recorded.get(source);
    roots[source] = before === undefined || before === current ? { status: 'same' } : { status: 'changed', recorded: before, current };
  }
  return roots;
}

export interface DeleteOutcome {
  /** Every configured source: each was judged by this pass. */
  readonly sources: readonly string[];
  readonly held: readonly HeldDeletes[];
  readonly context: DeleteContext;
  readonly scanComplete: Readonly<Record<string, boolean>>;
  readonly now: number;
}

/**
 * After a (non-dry) pass: records what is held now, per source, so `status` and `approve-deletes`
 * see it; removes the approvals this pass judged with (a complete scan used them; they never
 * carry over to later disappearances); records the root device of a first scan, and of a root
 * whose new device no held delete objects to (nothing at stake, or an approval accepted it).
 */
export async function recordDeleteOutcome(store: Store, outcome: DeleteOutcome, log: Logger): Promise<void> {
  const { context, now } = outcome;
  await store.replaceHeldDeletes(outcome.sources, outcome.held.map((held) => toRecord(held, context.devices[held.source] ?? null, now)));
  const used = Object.entries(context.approvals)
    .filter(([source]) => outcome.scanComplete[source] === true)
    .map(([, approval]) => approval.id);
  if (used.length > 0) await store.consumeDeleteApprovals(used);
  const rootHeld = new Set(outcome.held.filter((held) => held.reason === 'ROOT_CHANGED').map((held) => held.source));
  for (const [source, device] of Object.entries(context.devices)) {
    const root = context.roots[source];
    const changed = root?.status === 'changed' && !rootHeld.has(source);
    if (!changed && !context.firstScans.includes(source)) continue;
    if (changed) log.warn({ source, from: root.recorded, to: device }, 'source root is on another device now; recorded the new one');
    await store.setSourceRoot(source, device, now);
  }
}

function toRecord(held: HeldDeletes, rootDevice: string | null, now: number): HeldDeleteRecord {
  return {
    sourceName: held.source,
    reason: held.reason,
    detail: held.detail,
    documentIds: held.documentIds,
    approvable: held.approvable,
    rootDevice,
    heldAt: now,
  };
}
