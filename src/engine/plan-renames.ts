import { compareText } from './plan-order.js';

export interface RenameFrom {
  readonly relPath: string;
  readonly sha256: string | null;
  readonly entryId: number | null;
}

export interface RenameTo {
  readonly relPath: string;
  readonly sha256: string | null;
}

/**
 * Pairs documents whose path disappeared with new paths holding the same bytes. When copies
 * compete, a document that owns an entry is paired first (so the entry survives), and a new
 * path with the same file name is preferred (a move between folders keeps its name).
 */
export function pairRenames<F extends RenameFrom, T extends RenameTo>(
  gone: readonly F[],
  added: readonly T[],
): Array<{ readonly from: F; readonly to: T }> {
  const addedBySha = new Map<string, T[]>();
  for (const file of added) {
    if (file.sha256 === null) continue;
    const group = addedBySha.get(file.sha256);
    if (group) group.push(file);
    else addedBySha.set(file.sha256, [file]);
  }
  const goneBySha = new Map<string, F[]>();
  for (const doc of gone) {
    if (doc.sha256 === null || !addedBySha.has(doc.sha256)) continue;
    const group = goneBySha.get(doc.sha256);
    if (group) group.push(doc);
    else goneBySha.set(doc.sha256, [doc]);
  }

  const pairs: Array<{ from: F; to: T }> = [];
  for (const [sha, docs] of goneBySha) {
    const targets = [...(addedBySha.get(sha) ?? [])].sort((a, b) => compareText(a.relPath, b.relPath));
    const sources = [...docs].sort(
      (a, b) => Number(b.entryId !== null) - Number(a.entryId !== null) || compareText(a.relPath, b.relPath),
    );
    const byName = new Map<string, T[]>();
    for (const target of targets) {
      const group = byName.get(baseName(target.relPath));
      if (group) group.push(target);
      else byName.set(baseName(target.relPath), [target]);
    }
    const taken = new Set<T>();
    const unpaired: F[] = [];
    for (const doc of sources) {
      const target = byName.get(baseName(doc.relPath))?.shift();
      if (target === undefined) {
        unpaired.push(doc);
        continue;
      }
      taken.add(target);
      pairs.push({ from: doc, to: target });
    }
    const rest = targets.filter((t) => !taken.has(t));
    unpaired.forEach((doc, i) => {
      const target = rest[i];
      if (target !== undefined) pairs.push({ from: doc, to: target });
    });
  }
  return pairs;
}

function baseName(relPath: string): string {
  const slash = relPath.lastIndexOf('/');
  return slash < 0 ? relPath : relPath.slice(slash + 1);
}
