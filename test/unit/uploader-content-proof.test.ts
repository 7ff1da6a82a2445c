import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { KnowledgeBaseEntry } from '../../src/sensay/client.js';
import { digestVerdict, downloadOf, firstLook, rawTextVerdict, truncatedPrefix, type ProofTarget } from '../../src/uploader/content-proof.js';

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const entry = (fields: Partial<KnowledgeBaseEntry>): KnowledgeBaseEntry =>
  ({ id: 1, type: 'file', status: 'READY', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...fields }) as KnowledgeBaseEntry;
const fileTarget: ProofTarget = { mode: 'file', size: 1234, sha256: 'b'.repeat(64), textHash: null };
const OURS = 'Our normalised text, long enough to be cut short by a server that truncates.';
const textTarget: ProofTarget = { mode: 'text', size: 99, sha256: 'c'.repeat(64), textHash: sha(OURS) };

describe('content proof: file entries', () => {
  it('a different file.size settles it without a download; an equal one asks for the bytes', () => {
    expect(firstLook(entry({ file: { name: 'a.pdf', size: 1233, downloadURL: 'https://s/x' } }), fileTarget)).toEqual({ proven: false, why: 'size-differs' });
    expect(firstLook(entry({ file: { name: 'a.pdf', size: 1234, downloadURL: 'https://s/x' } }), fileTarget)).toEqual({ next: 'download', url: 'https://s/x' });
    // No size and no link in the listing: the single GET may have them.
    expect(firstLook(entry({ file: { name: 'a.pdf', size: null } }), fileTarget)).toEqual({ next: 'read-entry' });
    expect(downloadOf(entry({ file: { name: 'a.pdf', size: null } }), fileTarget)).toEqual({ proven: false, why: 'no-bytes' });
    expect(firstLook(entry({ type: 'text' }), fileTarget)).toEqual({ proven: false, why: 'type-differs' });
  });

  it('only the same bytes prove it: the sha256 over exactly size bytes', () => {
    expect(digestVerdict({ bytes: 1234, sha256: 'b'.repeat(64), complete: true }, fileTarget)).toEqual({ proven: true, proof: 'sha256' });
    expect(digestVerdict({ bytes: 1234, sha256: 'd'.repeat(64), complete: true }, fileTarget)).toEqual({ proven: false, why: 'content-differs' });
    expect(digestVerdict({ bytes: 1235, sha256: '', complete: false }, fileTarget)).toEqual({ proven: false, why: 'size-differs' });
  });
});

describe('content proof: text entries', () => {
  const never = async () => {
    throw new Error('our text must not be read when the hash decides');
  };

  it('rawText equal to our normalised text proves it (by hash, without reading our text)', async () => {
    expect(firstLook(entry({ type: 'text' }), textTarget)).toEqual({ next: 'read-entry' });
    expect(await rawTextVerdict(OURS, textTarget, never)).toEqual({ proven: true, proof: 'rawText' });
    expect(await rawTextVerdict('Someone else’s text.', textTarget, async () => OURS)).toEqual({ proven: false, why: 'content-differs' });
    expect(await rawTextVerdict(undefined, textTarget, never)).toEqual({ proven: false, why: 'no-bytes' });
  });

  it('a visibly truncated rawText proves it when equal on its whole length and ours is longer', async () => {
    expect(truncatedPrefix('abc…')).toBe('abc');
    expect(truncatedPrefix('abc...  ')).toBe('abc');
    expect(truncatedPrefix('abc')).toBeNull();
    expect(await rawTextVerdict(`${OURS.slice(0, 30)}…`, textTarget, async () => OURS)).toEqual({ proven: true, proof: 'rawText-prefix' });
    // Cut short but not a prefix of ours, or not visibly truncated at all: not proven.
    expect(await rawTextVerdict(`${OURS.slice(1, 30)}…`, textTarget, async () => OURS)).toEqual({ proven: false, why: 'content-differs' });
    expect(await rawTextVerdict(OURS.slice(0, 30), textTarget, async () => OURS)).toEqual({ proven: false, why: 'content-differs' });
    // Our file changed since it was hashed: its text proves nothing.
    expect(await rawTextVerdict(`${OURS.slice(0, 30)}…`, textTarget, async () => `${OURS} and more`)).toEqual({ proven: false, why: 'content-differs' });
  });
});
