import { describe, expect, it } from 'vitest';
import type { HeldDeleteRecord } from '../../src/store/store.js';
import { T0, type StoreRef } from './store-contract-fixtures.js';

function held(sourceName: string, documentIds: number[], over: Partial<HeldDeleteRecord> = {}): HeldDeleteRecord {
  return { sourceName, reason: 'SOURCE_EMPTIED', detail: `source "${sourceName}": held`, documentIds, approvable: true, rootDevice: '2049', heldAt: T0, ...over };
}

/** Held deletes, the approvals that release exactly them, and source roots' devices (issue 9 §5). */
export function approvalContract(current: StoreRef): void {
  describe('held deletes and approvals', () => {
    it('replaces what is held only for the sources a pass judged', async () => {
      const store = current();
      await store.replaceHeldDeletes(['a', 'b'], [held('a', [3, 1, 2, 2]), held('b', [9])]);
      expect(await store.listHeldDeletes()).toEqual([held('a', [1, 2, 3]), held('b', [9])]);

      await store.replaceHeldDeletes(['a'], []);
      expect((await store.listHeldDeletes()).map((h) => h.sourceName)).toEqual(['b']);
      await expect(store.replaceHeldDeletes(['a'], [held('c', [1])])).rejects.toMatchObject({ code: 'STORE_INVALID_ARGUMENT' });
    });

    it('approves exactly the set held now, replacing an older approval of the source', async () => {
      const store = current();
      await store.replaceHeldDeletes(['docs'], [held('docs', [1, 2])]);
      const first = await store.approveHeldDeletes('docs', T0 + 1);
      expect(first).toMatchObject({ ok: true, approval: { sourceName: 'docs', documentIds: [1, 2], rootDevice: '2049', approvedAt: T0 + 1 } });

      await store.replaceHeldDeletes(['docs'], [held('docs', [1, 2, 5], { rootDevice: '64', reason: 'ROOT_CHANGED' })]);
      const second = await store.approveHeldDeletes('docs', T0 + 2);
      expect(second).toMatchObject({ ok: true, approval: { documentIds: [1, 2, 5], rootDevice: '64' } });
      const approvals = await store.listDeleteApprovals();
      expect(approvals).toHaveLength(1);
      expect(approvals[0]).toMatchObject({ sourceName: 'docs', documentIds: [1, 2, 5], approvedAt: T0 + 2 });
    });

    it('refuses, as a value, a source with nothing held or a hold no approval can release', async () => {
      const store = current();
      expect(await store.approveHeldDeletes('docs', T0)).toMatchObject({ ok: false, reason: 'NOTHING_HELD' });
      await store.replaceHeldDeletes(['docs'], [held('docs', [1], { reason: 'SCAN_INCOMPLETE', approvable: false })]);
      expect(await store.approveHeldDeletes('docs', T0)).toMatchObject({ ok: false, reason: 'NOT_APPROVABLE', held: { reason: 'SCAN_INCOMPLETE' } });
      expect(await store.listDeleteApprovals()).toEqual([]);
    });

    it('consumes approvals by id, leaving a newer one given meanwhile', async () => {
      const store = current();
      await store.replaceHeldDeletes(['a', 'b'], [held('a', [1]), held('b', [2])]);
      const a = await store.approveHeldDeletes('a', T0);
      const b = await store.approveHeldDeletes('b', T0);
      if (!a.ok || !b.ok) throw new Error('approval refused');
      expect(await store.consumeDeleteApprovals([a.approval.id])).toBe(1);
      expect(await store.consumeDeleteApprovals([a.approval.id])).toBe(0);
      expect(await store.consumeDeleteApprovals([])).toBe(0);
      expect((await store.listDeleteApprovals()).map((x) => x.sourceName)).toEqual(['b']);
    });
  });

  describe('source roots', () => {
    it('records the device of a root and replaces it when asked', async () => {
      const store = current();
      expect(await store.listSourceRoots()).toEqual([]);
      await store.setSourceRoot('docs', '2049', T0);
      await store.setSourceRoot('drop', '18446744073709551615', T0);
      await store.setSourceRoot('docs', '64', T0 + 5);
      expect(await store.listSourceRoots()).toEqual([
        { sourceName: 'docs', device: '64', recordedAt: T0 + 5 },
        { sourceName: 'drop', device: '18446744073709551615', recordedAt: T0 },
      ]);
    });
  });
}
