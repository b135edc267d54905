import { randomBytes } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { S3Double } from '../../../test/support/s3-double';
import { useTempDir } from '../../../test/support/temp-dir';
import { DirectoryExportFiles } from './directory-export-files';
import type { ExportFiles } from './export-files';
import { createS3Client } from './s3-client';
import { S3ExportFiles } from './s3-export-files';

/** Each storage with what a test needs to look behind it. */
interface Kind {
  readonly files: ExportFiles;
  /** The stored bytes of `name` as the storage holds them, or undefined. */
  stored(name: string): Promise<Buffer | undefined>;
}

const kinds: Record<string, (dir: string) => Promise<Kind & { stop(): Promise<void> }>> = {
  directory: async (dir) => {
    const files = new DirectoryExportFiles(join(dir, 'files'));
    return {
      files,
      stored: (name) => readFile(join(dir, 'files', name)).catch(() => undefined),
      stop: async () => undefined,
    };
  },
  's3 (the S3 double)': async (dir) => {
    const s3 = await S3Double.start();
    const client = createS3Client({
      endpoint: s3.url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: 'test-secret' },
    });
    const files = new S3ExportFiles(client, {
      bucket: s3.bucket,
      prefix: 'exports/',
      scratchDir: join(dir, 'scratch'),
    });
    return {
      files,
      stored: async (name) => s3.object(`exports/${name}`),
      stop: async () => {
        client.destroy();
        await s3.stop();
      },
    };
  },
};

describe.each(Object.keys(kinds))('export files in %s', (kindName) => {
  const dir = useTempDir('export-files-');
  let kind: Kind & { stop(): Promise<void> };
  beforeEach(async () => {
    kind = await kinds[kindName]!(dir());
  });
  afterEach(async () => {
    await kind.stop();
  });

  it('shows a file under its name only once it is published, whole', async () => {
    const { files } = kind;
    const staged = await files.stagingPath('job-1.csv.1.part');
    await writeFile(staged, 'id,name\r\n1,ann\r\n');
    expect(await files.open('job-1.csv')).toBeUndefined();
    expect(await kind.stored('job-1.csv')).toBeUndefined();
    await files.publish(staged, 'job-1.csv');
    expect((await kind.stored('job-1.csv'))?.toString()).toBe('id,name\r\n1,ann\r\n');
    const opened = (await files.open('job-1.csv'))!;
    expect(opened.size).toBe(16);
    expect(await text(opened.body)).toBe('id,name\r\n1,ann\r\n');
    expect(await files.list()).toEqual(['job-1.csv']);
  });

  it('replaces a file published again, gives a local copy, and removes files', async () => {
    const { files } = kind;
    for (const content of ['first', 'second version']) {
      const staged = await files.stagingPath('job-2.xlsx.part');
      await writeFile(staged, content);
      await files.publish(staged, 'job-2.xlsx');
    }
    const local = (await files.local('job-2.xlsx'))!;
    expect(await readFile(local.path, 'utf8')).toBe('second version');
    await local.release();
    expect(await files.local('job-9.xlsx')).toBeUndefined();
    await files.remove('job-2.xlsx');
    await files.remove('job-2.xlsx'); // not there: nothing happens
    expect(await files.open('job-2.xlsx')).toBeUndefined();
    expect(await files.list()).toEqual([]);
  });

  it('discards a staged file without publishing it', async () => {
    const { files } = kind;
    const staged = await files.stagingPath('job-3.csv.1.part');
    await writeFile(staged, 'partial');
    await files.discard(staged);
    await files.discard(staged);
    expect((await files.list()).filter((n) => !n.endsWith('.part'))).toEqual([]);
    expect(await files.list()).toEqual([]);
  });

  it('keeps names inside the storage: only the last part of a name counts (older jobs stored paths)', async () => {
    const { files } = kind;
    const staged = await files.stagingPath('/data/files/job-4.csv.part');
    await writeFile(staged, 'x');
    await files.publish(staged, '../../etc/job-4.csv');
    expect(await kind.stored('job-4.csv')).toEqual(Buffer.from('x'));
    expect(await text((await files.open('/data/files/job-4.csv'))!.body)).toBe('x');
  });
});

describe('export files in S3 (the S3 double): multipart uploads, errors', () => {
  const dir = useTempDir('export-files-s3-');
  let s3: S3Double;
  let files: S3ExportFiles;
  let client: ReturnType<typeof createS3Client>;
  const open = (accessKeyId: string, bucket: string) => {
    client = createS3Client({
      endpoint: s3.url,
      region: 'eu-central-1',
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey: 'test-secret' },
    });
    return new S3ExportFiles(client, {
      bucket,
      scratchDir: join(dir(), 'scratch'),
      partBytes: 5 * 1024 ** 2,
    });
  };
  beforeEach(async () => {
    s3 = await S3Double.start('exports');
    files = open(s3.accessKeyId, 'exports');
  });
  afterEach(async () => {
    client.destroy();
    await s3.stop();
  });

  it('uploads a file larger than a part in parts, and the object is the file byte for byte', async () => {
    const content = randomBytes(12 * 1024 ** 2 + 123);
    const staged = await files.stagingPath('big.csv.part');
    await writeFile(staged, content);
    await files.publish(staged, 'big.csv');
    expect(s3.calls.map((c) => c.operation)).toEqual([
      'CreateMultipartUpload',
      'UploadPart',
      'UploadPart',
      'UploadPart',
      'CompleteMultipartUpload',
    ]);
    expect(s3.object('big.csv')!.equals(content)).toBe(true);
    const local = (await files.local('big.csv'))!;
    expect((await readFile(local.path)).equals(content)).toBe(true);
    await local.release();
    expect(await readdir(join(dir(), 'scratch'))).toEqual([]);
  });

  it('aborts a multipart upload that fails, and no object appears', async () => {
    const staged = await files.stagingPath('big.csv.part');
    await writeFile(staged, randomBytes(6 * 1024 ** 2));
    s3.failUploadParts = 100;
    await expect(files.publish(staged, 'big.csv')).rejects.toThrow(/internal error/i);
    expect(s3.object('big.csv')).toBeUndefined();
    expect(s3.uploads.size).toBe(0);
    expect(s3.calls.at(-1)!.operation).toBe('AbortMultipartUpload');
  });

  it('lists every page of a prefix with many files, leaving out deeper keys', async () => {
    for (let i = 0; i < 1005; i++) {
      const staged = await files.stagingPath(`job-${i}.csv.part`);
      await writeFile(staged, String(i));
      await files.publish(staged, `job-${i}.csv`);
    }
    s3.objects.set('elsewhere/job-x.csv', { body: Buffer.from(''), etag: '""', lastModified: new Date() });
    const listed = await files.list();
    expect(listed.filter((n) => n.startsWith('job-'))).toHaveLength(1005);
    expect(listed).not.toContain('elsewhere/job-x.csv');
    expect(s3.calls.filter((c) => c.operation === 'ListObjectsV2')).toHaveLength(2);
  }, 120_000);

  it('fails on a wrong bucket or key rather than calling a file missing', async () => {
    await expect(open(s3.accessKeyId, 'no-such-bucket').open('job.csv')).rejects.toThrow(
      /bucket does not exist/
    );
    await expect(open('AKIDWRONG', 'exports').open('job.csv')).rejects.toThrow(/Access Key Id/);
    expect(await open(s3.accessKeyId, 'exports').open('job.csv')).toBeUndefined();
  });

  it('empties its scratch folder at start: what a killed process left there is garbage', async () => {
    const staged = await files.stagingPath('job-5.csv.1.part');
    await writeFile(staged, 'half');
    await files.clearScratch();
    expect(await readdir(join(dir(), 'scratch'))).toEqual([]);
  });
});
