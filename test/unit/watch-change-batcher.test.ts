import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../src/watchers/change-event.js';
import { createChangeBatcher } from '../../src/watchers/change-batcher.js';

const upsert = (relPath: string, source = 'docs'): ChangeEvent => ({ type: 'upsert', source, relPath, absPath: `/${source}/${relPath}` });
const remove = (relPath: string, source = 'docs'): ChangeEvent => ({ type: 'remove', source, relPath, absPath: `/${source}/${relPath}` });

describe('createChangeBatcher', () => {
  it('holds a path until it has been quiet for quietMs, then hands out its latest event once', () => {
    const batcher = createChangeBatcher({ quietMs: 100 });
    batcher.add(upsert('a.md'), 0);
    batcher.add(upsert('a.md'), 60);

    expect(batcher.nextDueAt()).toBe(160);
    expect(batcher.takeDue(159)).toEqual([]);
    expect(batcher.takeDue(160)).toEqual([{ source: 'docs', events: [upsert('a.md')] }]);
    expect(batcher.takeDue(1_000)).toEqual([]);
    expect(batcher.size).toBe(0);
    expect(batcher.nextDueAt()).toBeNull();
  });

  it('lets the latest event win: remove then upsert is an upsert, upsert then remove a remove', () => {
    const batcher = createChangeBatcher({ quietMs: 10 });
    batcher.add(remove('saved.docx'), 0);
    batcher.add(upsert('saved.docx'), 1);
    batcher.add(upsert('gone.md'), 0);
    batcher.add(remove('gone.md'), 2);

    expect(batcher.takeDue(100)).toEqual([{ source: 'docs', events: [upsert('saved.docx'), remove('gone.md')] }]);
  });

  it('groups due paths by source, in the order they first became dirty', () => {
    const batcher = createChangeBatcher({ quietMs: 10 });
    batcher.add(upsert('1.md', 'b'), 0);
    batcher.add(upsert('2.md', 'a'), 1);
    batcher.add(upsert('3.md', 'b'), 2);
    batcher.add(upsert('same.md', 'a'), 3);
    batcher.add(upsert('same.md', 'b'), 3);

    expect(batcher.takeDue(50)).toEqual([
      { source: 'b', events: [upsert('1.md', 'b'), upsert('3.md', 'b'), upsert('same.md', 'b')] },
      { source: 'a', events: [upsert('2.md', 'a'), upsert('same.md', 'a')] },
    ]);
  });

  it('hands out only the paths that are due and keeps the rest', () => {
    const batcher = createChangeBatcher({ quietMs: 100 });
    batcher.add(upsert('early.md'), 0);
    batcher.add(upsert('late.md'), 80);

    expect(batcher.takeDue(120)).toEqual([{ source: 'docs', events: [upsert('early.md')] }]);
    expect(batcher.size).toBe(1);
    expect(batcher.nextDueAt()).toBe(180);
  });

  it('does not hold a path that never goes quiet longer than maxDelayMs', () => {
    const batcher = createChangeBatcher({ quietMs: 100, maxDelayMs: 1_000 });
    for (let t = 0; t <= 2_000; t += 50) {
      batcher.add(upsert('busy.log'), t);
      const due = batcher.takeDue(t);
      if (due.length > 0) {
        expect(t).toBe(1_000);
        return;
      }
    }
    throw new Error('busy.log was never handed out');
  });

  it('takeAll empties everything, due or not', () => {
    const batcher = createChangeBatcher({ quietMs: 1_000 });
    batcher.add(upsert('a.md'), 0);
    batcher.add(remove('b.md', 'other'), 0);

    expect(batcher.takeAll()).toEqual([
      { source: 'docs', events: [upsert('a.md')] },
      { source: 'other', events: [remove('b.md', 'other')] },
    ]);
    expect(batcher.size).toBe(0);
  });

  it('rejects a negative or non-finite quiet time with a message naming the option', () => {
    expect(() => createChangeBatcher({ quietMs: -1 })).toThrow('Expected `quietMs` to be a finite number >= 0, got `-1`');
    expect(() => createChangeBatcher({ quietMs: 10, maxDelayMs: Number.NaN })).toThrow('`maxDelayMs`');
  });
});
