/**
 * The delete valve's decisions (DECISIONS "The valve and drop folders"; issue 9 §5): emptying
 * a source, drop folders (`allowEmpty`), a root on another device, and approvals that release
 * exactly the deletes held when they were given.
 */
import { describe, expect, it } from 'vitest';
import { compareRoots } from '../../src/engine/pass-deletes.js';
import type { KnownDocument, PlanApproval } from '../../src/engine/planner.js';
import { judgeDeletes } from '../../src/engine/plan-valve.js';
import { effects, known, planFor, seen, source } from './planner-builders.js';

function library(count: number): KnownDocument[] {
  return Array.from({ length: count }, (_, i) => known(i + 1, `doc${String(i + 1).padStart(2, '0')}.md`, `text ${i + 1}`));
}

const SAME = { status: 'same' } as const;
const approval = (documentIds: number[], rootDevice: string | null = '2049', id = 7): PlanApproval => ({ id, documentIds, rootDevice });
const ids = (docs: readonly KnownDocument[]) => docs.map((doc) => doc.id);

describe('emptying a source', () => {
  it('is held (SOURCE_EMPTIED), even for a source of one document, and says how to release it', () => {
    for (const count of [1, 3]) {
      const docs = library(count);
      const decision = judgeDeletes({ source: source(), gone: docs, known: count, root: SAME, approval: undefined });
      expect(decision.release).toEqual([]);
      expect(decision.held).toMatchObject({ reason: 'SOURCE_EMPTIED', approvable: true, documentIds: ids(docs), wouldDelete: count });
      expect(decision.held?.detail).toMatch(/approve-deletes docs.*allowEmpty: true/);
    }
  });

  it('goes ahead for a drop folder that drains (allowEmpty) on the device first scanned', () => {
    const docs = library(3);
    const decision = judgeDeletes({ source: source({ allowEmpty: true }), gone: docs, known: 3, root: SAME, approval: undefined });
    expect(decision).toEqual({ release: docs, held: null });
  });

  it('a drop folder on another device is held whatever allowEmpty says, and says so', () => {
    const docs = library(3);
    const root = { status: 'changed', recorded: '2049', current: '64' } as const;
    const decision = judgeDeletes({ source: source({ allowEmpty: true, maxDeletePercent: 100 }), gone: docs, known: 3, root, approval: undefined });
    expect(decision.release).toEqual([]);
    expect(decision.held).toMatchObject({ reason: 'ROOT_CHANGED', approvable: true });
    expect(decision.held?.detail).toMatch(/another device than at its first scan \(device 2049, now 64\)/);
  });

  it('allowEmpty does not lift maxDeletePercent for a partial drain', () => {
    const docs = library(5);
    const decision = judgeDeletes({ source: source({ allowEmpty: true }), gone: docs.slice(0, 4), known: 5, root: SAME, approval: undefined });
    expect(decision.held).toMatchObject({ reason: 'MASS_DELETE' });
  });
});

describe('approvals', () => {
  it('release exactly the documents they name; any other disappearance is judged afresh', () => {
    const docs = library(10);
    const approved = docs.slice(0, 5);
    // The five approved are deleted; one more gone is 1 of the 5 left: a single file, allowed.
    const one = judgeDeletes({ source: source(), gone: docs.slice(0, 6), known: 10, root: SAME, approval: approval(ids(approved)) });
    expect(one).toEqual({ release: docs.slice(0, 6), held: null });
    // Three more gone is 3 of the 5 left (60 %): held, while the approved five still go.
    const three = judgeDeletes({ source: source(), gone: docs.slice(0, 8), known: 10, root: SAME, approval: approval(ids(approved)) });
    expect(three.release).toEqual(approved);
    expect(three.held).toMatchObject({ reason: 'MASS_DELETE', documentIds: [6, 7, 8], wouldDelete: 3, known: 5 });
  });

  it('of an emptied source releases it; approved files that came back are simply not deleted', () => {
    const docs = library(3);
    expect(judgeDeletes({ source: source(), gone: docs, known: 3, root: SAME, approval: approval(ids(docs)) })).toEqual({ release: docs, held: null });
    const back = judgeDeletes({ source: source(), gone: docs.slice(1), known: 3, root: SAME, approval: approval(ids(docs)) });
    expect(back).toEqual({ release: docs.slice(1), held: null });
  });

  it('release a root on another device only for the very set held, approved while on that device', () => {
    const docs = library(3);
    const root = { status: 'changed', recorded: '2049', current: '64' } as const;
    const judge = (gone: KnownDocument[], a: PlanApproval) => judgeDeletes({ source: source(), gone, known: 3, root, approval: a });
    expect(judge(docs, approval(ids(docs), '64'))).toEqual({ release: docs, held: null });
    // An approval given for another set, or while the root was on its first device, releases nothing.
    expect(judge(docs, approval([1, 2], '64')).held).toMatchObject({ reason: 'ROOT_CHANGED' });
    expect(judge(docs, approval(ids(docs), '2049')).held).toMatchObject({ reason: 'ROOT_CHANGED' });
    expect(judge(docs.slice(0, 2), approval(ids(docs), '64')).release).toEqual([]);
  });

  it('never release the deletes of an incomplete scan (a vanished or unreadable root)', () => {
    const docs = library(3);
    const result = planFor({ files: [], known: docs, scanComplete: { docs: false }, approvals: { docs: approval(ids(docs)) } });
    expect(effects(result)).toEqual([]);
    expect(result.held).toEqual([expect.objectContaining({ reason: 'SCAN_INCOMPLETE', approvable: false, documentIds: [1, 2, 3] })]);
  });

  it('reach the planner per source: the approved source deletes, the other is still held', () => {
    const a = known(1, 'x.md', 'x', { source: 'a' });
    const b = known(2, 'y.md', 'y', { source: 'b' });
    const keep = known(3, 'z.md', 'z', { source: 'b' });
    const result = planFor({
      sources: [source({ name: 'a' }), source({ name: 'b', maxDeletePercent: 0 })],
      files: [seen(keep)],
      known: [a, b, keep],
      approvals: { a: approval([1]) },
    });
    expect(effects(result)).toEqual(['delete x.md FILE_DELETED']);
    expect(result.held.map((h) => [h.source, h.reason])).toEqual([['b', 'MASS_DELETE']]);
  });
});

describe('root devices', () => {
  it('a root is changed only when a device was recorded and the scan saw another', () => {
    const recorded = new Map([['a', '2049'], ['b', '2049']]);
    expect(compareRoots({ a: '2049', b: '64', c: '5' }, recorded)).toEqual({
      a: { status: 'same' },
      b: { status: 'changed', recorded: '2049', current: '64' },
      c: { status: 'same' },
    });
  });
});
