import { readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readZipEntries } from '../../../test/support/xlsx-reader';
import { useTempDir } from '../../../test/support/temp-dir';
import { zipFile } from './zip-file';

describe('zipFile', () => {
  const dir = useTempDir('zip-file-');

  it('zips a file under the given name and returns the zip size', async () => {
    const path = join(dir(), 'export.csv');
    await writeFile(path, 'a,b\r\n'.repeat(10_000));
    const size = await zipFile(path, join(dir(), 'export.csv.zip'), 'auditlens-access.csv');
    const zip = await readFile(join(dir(), 'export.csv.zip'));
    expect(zip.length).toBe(size);
    expect([...(await readZipEntries(zip)).entries()]).toEqual([
      ['auditlens-access.csv', 'a,b\r\n'.repeat(10_000)],
    ]);
  });

  it('rejects when the file cannot be read, leaving no partial zip', async () => {
    await expect(zipFile(join(dir(), 'missing.csv'), join(dir(), 'out.zip'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(await readdir(dir())).toEqual([]);
  });

  it('rejects on a full disk instead of leaving the error unhandled, and deletes what it wrote', async () => {
    const path = join(dir(), 'export.csv');
    await writeFile(path, 'x'.repeat(200_000));
    // The zip's path leads to /dev/full, whose writes fail with ENOSPC; zipFile deletes the link, not the device.
    await symlink('/dev/full', join(dir(), 'export.csv.zip'));
    await expect(zipFile(path, join(dir(), 'export.csv.zip'))).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(await readdir(dir())).toEqual(['export.csv']);
    expect((await stat('/dev/full')).isCharacterDevice()).toBe(true);
  });
});
