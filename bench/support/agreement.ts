/**
 * Token-level agreement of two extractions of one document: F1 over the bags of whitespace-split
 * tokens (NFKC, case kept), so word order and line breaks do not count, missing or extra words do.
 */
export function tokenF1(ours: string, reference: string): number {
  const a = bag(ours);
  const b = bag(reference);
  const sizeA = total(a);
  const sizeB = total(b);
  if (sizeA === 0 && sizeB === 0) return 1;
  if (sizeA === 0 || sizeB === 0) return 0;
  let overlap = 0;
  for (const [token, n] of a) overlap += Math.min(n, b.get(token) ?? 0);
  const precision = overlap / sizeA;
  const recall = overlap / sizeB;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

export function tokenCount(text: string): number {
  return total(bag(text));
}

function bag(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of text.normalize('NFKC').split(/\s+/u)) {
    if (token) counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  return counts;
}

function total(counts: Map<string, number>): number {
  let n = 0;
  for (const v of counts.values()) n += v;
  return n;
}
