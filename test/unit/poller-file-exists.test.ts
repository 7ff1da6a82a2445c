import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../src/config/types.js';
import { sourceFileExists } from '../../src/status/source-file-exists.js';
import type { DocumentRecord } from '../../src/store/store.js';

let dir: string | undefined;

afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const doc = (sourceName: string, relPath: string) => ({ sourceName, relPath }) as DocumentRecord;

describe('sourceFileExists', () => {
  it("answers from the document's source folder: files yes; folders, missing files and unknown sources no", async () => {
    dir = await mkdtemp(join(tmpdir(), 'poller-files-'));
    await mkdir(join(dir, 'sub', 'folder'), { recursive: true });
    await writeFile(join(dir, 'sub', 'a.txt'), 'x');
    const exists = sourceFileExists([{ name: 'docs', path: dir } as SourceConfig]);

    expect(await exists(doc('docs', 'sub/a.txt'))).toBe(true);
    expect(await exists(doc('docs', 'sub/b.txt'))).toBe(false);
    expect(await exists(doc('docs', 'sub/folder'))).toBe(false);
    expect(await exists(doc('other', 'sub/a.txt'))).toBe(false);
  });
});
