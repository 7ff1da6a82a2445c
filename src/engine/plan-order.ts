/**
 * The planner's one ordering: source priority (higher first), then FIFO by discovery, then
 * source name and path so that equal inputs always give the same plan. Which of two identical
 * new files becomes the original and which the duplicate follows from this order.
 */
export interface OrderKey {
  readonly priority: number;
  readonly discoveredAt: number | undefined;
  readonly source: string;
  readonly relPath: string;
}

export function compareOrder(a: OrderKey, b: OrderKey): number {
  if (a.priority !== b.priority) return a.priority > b.priority ? -1 : 1;
  const da = a.discoveredAt ?? Number.POSITIVE_INFINITY;
  const db = b.discoveredAt ?? Number.POSITIVE_INFINITY;
  if (da !== db) return da < db ? -1 : 1;
  return compareText(a.source, b.source) || compareText(a.relPath, b.relPath);
}

/** Code-unit order, independent of the host's locale. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

export function sortByOrder<T>(items: ReadonlyArray<{ readonly key: OrderKey; readonly item: T }>): T[] {
  return [...items].sort((x, y) => compareOrder(x.key, y.key)).map((x) => x.item);
}
