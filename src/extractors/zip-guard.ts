/**
 * Zip-bomb guard for DOCX, run before mammoth (which inflates everything in memory and can abort
 * the process with a fatal OOM). Reads the central directory with yauzl, bounds the entry count
 * and the declared uncompressed total, then inflates every entry while counting bytes, so an
 * entry whose header lies about its size is caught too.
 */
import yauzl from 'yauzl';
import { formatBytes } from './detect.js';
import { reject, type Rejected } from './extraction.js';

export type ZipLimits = { maxUncompressedBytes: number; maxZipEntries: number };

export type ZipSummary = { ok: true; entries: number; uncompressedBytes: number; names: string[] };

class LimitExceeded extends Error {
  readonly code = 'DECOMPRESSION_LIMIT';
}

export async function checkZip(buf: Buffer, limits: ZipLimits): Promise<ZipSummary | Rejected> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(buf);
  } catch (error) {
    return corrupt(error);
  }
  try {
    if (zip.entryCount > limits.maxZipEntries) {
      return reject(
        'DECOMPRESSION_LIMIT',
        `the DOCX holds ${zip.entryCount} ZIP entries, above the limit of ${limits.maxZipEntries}; this looks like a zip bomb`,
      );
    }
    return await walkEntries(zip, limits);
  } catch (error) {
    if (error instanceof LimitExceeded) return reject('DECOMPRESSION_LIMIT', error.message);
    if (error instanceof Error && /too many bytes in the stream/.test(error.message)) {
      return reject('DECOMPRESSION_LIMIT', 'a DOCX entry inflates to more than its header declares (a lying zip header); refusing it');
    }
    return corrupt(error);
  } finally {
    zip.close();
  }
}

function openZip(buf: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject_) => {
    yauzl.fromBuffer(buf, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (err, zip) =>
      err || !zip ? reject_(err ?? new Error('no zip')) : resolve(zip),
    );
  });
}

function walkEntries(zip: yauzl.ZipFile, limits: ZipLimits): Promise<ZipSummary> {
  return new Promise((resolve, fail) => {
    let declared = 0;
    let inflated = 0;
    const names: string[] = [];
    const tooBig = (what: string, n: number) =>
      new LimitExceeded(
        `the DOCX ${what} ${formatBytes(n)} uncompressed, above the limit of ${formatBytes(limits.maxUncompressedBytes)}; this looks like a zip bomb`,
      );
    zip.on('error', fail);
    zip.on('end', () => resolve({ ok: true, entries: names.length, uncompressedBytes: inflated, names }));
    zip.on('entry', (entry: yauzl.Entry) => {
      names.push(entry.fileName);
      declared += entry.uncompressedSize;
      if (declared > limits.maxUncompressedBytes) return fail(tooBig('declares', declared));
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return fail(err ?? new Error('no stream'));
        stream.on('data', (chunk: Buffer) => {
          inflated += chunk.length;
          if (inflated > limits.maxUncompressedBytes) {
            stream.destroy();
            fail(tooBig('inflates to more than', inflated));
          }
        });
        stream.on('error', fail);
        stream.on('end', () => zip.readEntry());
      });
    });
    zip.readEntry();
  });
}

function corrupt(error: unknown): Rejected {
  const message = error instanceof Error ? error.message : String(error);
  return reject('CORRUPT', `the DOCX is not a readable ZIP archive (${message}); re-save it from Word`);
}
