import { createRequire } from 'node:module';

/**
 * `sensay-ingest/<version>`, the version read once from package.json. The relative path holds
 * both from src/sensay (tests, tsx) and from dist/sensay (the built CLI).
 */
export const userAgent: string = `sensay-ingest/${readVersion()}`;

function readVersion(): string {
  try {
    const pkg = createRequire(import.meta.url)('../../package.json') as { name?: unknown; version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
