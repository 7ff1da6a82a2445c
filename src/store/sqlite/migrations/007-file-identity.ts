import type { Migration } from './migration.js';

/**
 * The device and inode the scan saw for a document's recorded version, so an upload can check
 * that the descriptor it streams from is that very file (not a link or another file swapped in
 * since). Null for versions recorded before this column, and where the platform gives none.
 */
export const fileIdentity: Migration = {
  version: 7,
  name: 'file-identity',
  sql: `
ALTER TABLE documents ADD COLUMN dev INTEGER;
ALTER TABLE documents ADD COLUMN ino INTEGER;
`,
};
