import type { SourceMode, UpdateMode } from './types.js';

/**
 * `sources[].update`, defaulted by mode: a text entry can be patched in place, a file entry
 * cannot (its bytes went to a signed URL once), so file mode always replaces and saying
 * otherwise is an error rather than a setting silently ignored.
 */
export function resolveUpdateMode(
  source: { readonly mode: SourceMode; readonly update?: UpdateMode | undefined },
  index = 0,
): { mode: UpdateMode; issues: string[] } {
  if (source.mode === 'file') {
    const issues =
      source.update === 'in-place'
        ? [`sources[${index}].update: "in-place" needs mode "text" (a file entry's bytes cannot be patched); remove "update" or set it to "replace"`]
        : [];
    return { mode: 'replace', issues };
  }
  return { mode: source.update ?? 'in-place', issues: [] };
}
