import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The version in package.json, read once (dist/ and src/ both sit one level below it). */
export function packageVersion(): string {
  if (cached) return cached;
  const raw = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  cached = (JSON.parse(raw) as { version: string }).version;
  return cached;
}
