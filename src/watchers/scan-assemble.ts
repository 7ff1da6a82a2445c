/**
 * Turns the batches posted by one or more walk shards (scan-walk-sync.ts) into the scan's
 * FoundFiles, in relPath order. Pure: no I/O, no threads.
 *
 * - Merge: each shard's files arrive sorted; a file is taken only when every shard still walking
 *   has one waiting (or has ended), so the merged list is sorted without a sort at the end.
 * - Reuse: a file whose numbers and change flag equal the previous scan's FoundFile for its path
 *   gets that very object back. A rescan of an unchanged tree then allocates almost nothing that
 *   outlives it; building 100,000 fresh objects that all survive was what made the young
 *   generation's collections pause the event loop for 20–50 ms each during a rescan.
 */
import { sep } from 'node:path';
import type { FoundFile, KnownStat } from './scan-types.js';
import { STAT_FIELDS, type FoundBatch } from './scan-walk-sync.js';

export interface AssembleContext {
  readonly sourceName: string;
  readonly root: string;
  readonly known: ReadonlyMap<string, KnownStat> | undefined;
  /** The previous scan's files of this source and root, sorted by relPath (reused when equal). */
  readonly previous: readonly FoundFile[] | undefined;
}

/** A batch being taken: its paths split, and the next one to take. */
type Pending = { rels: string[]; stats: Float64Array; next: number };

export class FoundAssembler {
  readonly files: FoundFile[] = [];
  readonly #queues: Pending[][];
  readonly #ended: boolean[];
  readonly #prefix: string;
  #previousAt = 0;

  constructor(
    shards: number,
    private readonly context: AssembleContext,
  ) {
    this.#queues = Array.from({ length: shards }, () => []);
    this.#ended = Array.from({ length: shards }, () => false);
    this.#prefix = context.root.endsWith(sep) ? context.root : `${context.root}${sep}`;
  }

  /** A batch from `shard`; takes every file that can be placed now. */
  add(shard: number, batch: FoundBatch): void {
    if (batch.relPaths === '' && batch.stats.length === 0) return;
    this.#queues[shard]?.push({ rels: batch.relPaths.split('\0'), stats: batch.stats, next: 0 });
    this.#take();
  }

  /** `shard` has posted all its files. */
  end(shard: number): void {
    this.#ended[shard] = true;
    this.#take();
  }

  #take(): void {
    for (;;) {
      const shard = this.#nextShard();
      if (shard === -1) return;
      const queue = this.#queues[shard] as Pending[];
      const head = queue[0] as Pending;
      const at = head.next++;
      this.#found(head.rels[at] as string, head.stats, at * STAT_FIELDS);
      if (head.next === head.rels.length) queue.shift();
    }
  }

  /** The shard holding the smallest waiting path, or -1 when a shard still walking has none waiting. */
  #nextShard(): number {
    let best = -1;
    let bestPath = '';
    for (let shard = 0; shard < this.#queues.length; shard++) {
      const head = this.#queues[shard]?.[0];
      if (head === undefined) {
        if (!this.#ended[shard]) return -1;
        continue;
      }
      const path = head.rels[head.next] as string;
      if (best === -1 || path < bestPath) {
        best = shard;
        bestPath = path;
      }
    }
    return best;
  }

  #found(relPath: string, stats: Float64Array, at: number): void {
    const size = stats[at] as number;
    const mtimeMs = stats[at + 1] as number;
    const dev = stats[at + 2] as number;
    const ino = stats[at + 3] as number;
    const before = this.context.known?.get(relPath);
    const changed = before === undefined || before.size !== size || before.mtimeMs !== mtimeMs || inodeMoved(before, ino);
    const previous = this.#previousOf(relPath);
    if (previous && previous.size === size && previous.mtimeMs === mtimeMs && previous.dev === dev && previous.ino === ino && previous.changed === changed) {
      this.files.push(previous);
      return;
    }
    const absPath = this.#prefix + (sep === '/' ? relPath : relPath.split('/').join(sep));
    this.files.push({ source: this.context.sourceName, relPath, absPath, size, mtimeMs, dev, ino, changed });
  }

  /** The previous scan's file under `relPath`: both lists are in relPath order, so one cursor. */
  #previousOf(relPath: string): FoundFile | undefined {
    const previous = this.context.previous;
    if (previous === undefined) return undefined;
    let file = previous[this.#previousAt];
    while (file !== undefined && file.relPath < relPath) file = previous[++this.#previousAt];
    return file?.relPath === relPath ? file : undefined;
  }
}

const inodeMoved = (before: KnownStat, ino: number) => before.ino !== undefined && before.ino !== null && before.ino !== ino;
