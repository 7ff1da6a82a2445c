/**
 * One-line, human texts for why a scan is incomplete. They end up in the planner's held-delete
 * report and the CLI, so each names the source, the path and what to check.
 */

export function rootProblem(sourceName: string, path: string, err: unknown): string {
  const code = errorCode(err);
  const prefix = `source "${sourceName}": ${path}`;
  switch (code) {
    case 'ENOENT':
      return `${prefix} does not exist — is the share mounted?`;
    case 'ENOTDIR':
      return `${prefix} is not a folder — check sources[].path`;
    case 'EACCES':
    case 'EPERM':
      return `${prefix} cannot be read (permission denied) — check the folder's permissions`;
    default:
      return `${prefix} cannot be read (${describe(err)})`;
  }
}

export function notAFolderProblem(sourceName: string, path: string): string {
  return rootProblem(sourceName, path, Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }));
}

export function folderProblem(sourceName: string, relPath: string, err: unknown): string {
  const code = errorCode(err);
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : describe(err);
  return `source "${sourceName}": folder "${relPath}" cannot be read (${why}); the scan is incomplete, so nothing is deleted`;
}

export function fileProblem(sourceName: string, relPath: string, err: unknown): string {
  return `source "${sourceName}": file "${relPath}" cannot be examined (${describe(err)}); the scan is incomplete, so nothing is deleted`;
}

export function summariseProblems(problems: readonly string[]): string | undefined {
  const [first] = problems;
  if (first === undefined) return undefined;
  return problems.length === 1 ? first : `${first} (and ${problems.length - 1} more)`;
}

export function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

function describe(err: unknown): string {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return code !== undefined && !message.startsWith(code) ? `${code}: ${message}` : message;
}
