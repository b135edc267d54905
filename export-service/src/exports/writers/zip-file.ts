import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';

/**
 * Zips one file into `zipPath`, streaming; resolves with the zip's size. Any error (the file unreadable, the
 * disk full) rejects, and the partial zip is deleted.
 */
export async function zipFile(path: string, zipPath: string, nameInZip = basename(path)): Promise<number> {
  const zip = new yazl.ZipFile();
  // yazl reports a file it cannot read on the ZipFile itself, not on its output stream.
  const unreadable = new Promise<never>((_resolve, reject) => zip.on('error', reject));
  unreadable.catch(() => undefined);
  zip.addFile(path, nameInZip);
  zip.end();
  try {
    await Promise.race([pipeline(zip.outputStream, createWriteStream(zipPath)), unreadable]);
  } catch (error) {
    (zip.outputStream as Readable).destroy();
    await rm(zipPath, { force: true });
    throw error;
  }
  return (await stat(zipPath)).size;
}
