import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import yazl from 'yazl';

/** Zips one file into `zipPath`, streaming; resolves with the zip's size. */
export async function zipFile(path: string, zipPath: string, nameInZip = basename(path)): Promise<number> {
  const zip = new yazl.ZipFile();
  zip.addFile(path, nameInZip);
  const out = createWriteStream(zipPath);
  const done = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('error', reject);
  });
  zip.outputStream.pipe(out);
  zip.end();
  await done;
  return (await stat(zipPath)).size;
}
