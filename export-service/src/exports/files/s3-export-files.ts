import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { storedName, type ExportFiles, type LocalFile, type OpenedFile } from './export-files';

/** Settings of {@link S3ExportFiles}. */
export interface S3ExportFilesOptions {
  readonly bucket: string;
  /** Put before every object's name, e.g. `auditlens/exports/`. The default value is none. */
  readonly prefix?: string;
  /** A folder of this machine (not shared) where files are written before upload and copied to be mailed. */
  readonly scratchDir: string;
  /** Files larger than this go up in parts of this size (S3's smallest part is 5 MiB). The default value is 8 MiB. */
  readonly partBytes?: number;
}

const MIN_PART_BYTES = 5 * 1024 ** 2;

/**
 * Export files in an S3 bucket (or any S3-compatible store: MinIO, Ceph, R2, ...), read by every replica.
 * A file is written on this machine first and uploaded whole, with PutObject or a multipart upload, so the object
 * appears only complete (S3 makes an object visible once its PutObject or CompleteMultipartUpload succeeds);
 * a failed multipart upload is aborted. Downloads stream GetObject; mail attachments are copied to the scratch
 * folder. Operations used: PutObject, CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
 * AbortMultipartUpload, GetObject, DeleteObject, ListObjectsV2.
 */
export class S3ExportFiles implements ExportFiles {
  private readonly prefix: string;
  private readonly partBytes: number;

  constructor(
    private readonly s3: S3Client,
    private readonly options: S3ExportFilesOptions
  ) {
    this.prefix = options.prefix ?? '';
    this.partBytes = Math.max(MIN_PART_BYTES, options.partBytes ?? 8 * 1024 ** 2);
  }

  /** Empties the scratch folder: it is this process's own, and what a killed process left there is garbage. */
  async clearScratch(): Promise<void> {
    await rm(this.options.scratchDir, { recursive: true, force: true });
    await mkdir(this.options.scratchDir, { recursive: true });
  }

  async stagingPath(name: string): Promise<string> {
    await mkdir(this.options.scratchDir, { recursive: true });
    return join(this.options.scratchDir, storedName(name));
  }

  async publish(stagingPath: string, name: string): Promise<void> {
    const key = this.keyOf(name);
    const { size } = await stat(stagingPath);
    const file = await open(stagingPath, 'r');
    try {
      // Parts are read into memory one at a time: a Buffer body has a known length and can be sent again
      // when the SDK retries, which a stream that was read cannot.
      const read = async (offset: number, length: number): Promise<Buffer> => {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await file.read(buffer, 0, length, offset);
        if (bytesRead !== length) throw new Error(`the staged file ${stagingPath} shrank while uploading`);
        return buffer;
      };
      if (size <= this.partBytes) {
        await this.s3.send(
          new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: await read(0, size) })
        );
      } else {
        await this.uploadInParts(key, size, read);
      }
    } finally {
      await file.close();
    }
    await rm(stagingPath, { force: true });
  }

  private async uploadInParts(
    key: string,
    size: number,
    read: (offset: number, length: number) => Promise<Buffer>
  ): Promise<void> {
    const bucket = this.options.bucket;
    const { UploadId } = await this.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    if (!UploadId) throw new Error('S3 answered CreateMultipartUpload without an UploadId');
    try {
      const parts: Array<{ PartNumber: number; ETag: string }> = [];
      for (let offset = 0, n = 1; offset < size; offset += this.partBytes, n++) {
        const body = await read(offset, Math.min(this.partBytes, size - offset));
        const { ETag } = await this.s3.send(
          new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: n, Body: body })
        );
        if (!ETag) throw new Error(`S3 answered UploadPart ${n} without an ETag`);
        parts.push({ PartNumber: n, ETag });
      }
      await this.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: parts },
        })
      );
    } catch (error) {
      // Parts of an upload never completed are stored (and billed) until aborted.
      await this.s3
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }))
        .catch(() => undefined);
      throw error;
    }
  }

  async discard(stagingPath: string): Promise<void> {
    await rm(stagingPath, { force: true });
  }

  async open(name: string): Promise<OpenedFile | undefined> {
    try {
      const answer = await this.s3.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(name) })
      );
      if (!(answer.Body instanceof Readable)) throw new Error('S3 answered GetObject without a body stream');
      return { size: answer.ContentLength ?? 0, body: answer.Body };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async local(name: string): Promise<LocalFile | undefined> {
    const opened = await this.open(name);
    if (!opened) return undefined;
    await mkdir(this.options.scratchDir, { recursive: true });
    // Named for the job (its id first, as every export file) and unique: two mails of one file never share it.
    const path = join(this.options.scratchDir, `${storedName(name)}.${randomUUID().slice(0, 8)}.copy`);
    try {
      await pipeline(opened.body, createWriteStream(path));
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    return { path, release: () => rm(path, { force: true }) };
  }

  async remove(name: string): Promise<void> {
    // S3 answers 204 for a key that is not there too.
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(name) }));
  }

  async list(): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: this.prefix || undefined,
          ContinuationToken: token,
        })
      );
      for (const object of page.Contents ?? []) {
        const name = object.Key?.slice(this.prefix.length) ?? '';
        // Only the files of this prefix's folder: a key with a further `/` belongs to something else.
        if (name && !name.includes('/')) names.push(name);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return names;
  }

  private keyOf(name: string): string {
    return `${this.prefix}${storedName(name)}`;
  }
}

/**
 * True for S3's answer to a key that is not there: GetObject's 404 `NoSuchKey`. A 404 `NoSuchBucket` (a wrong
 * bucket name) is not a missing file, and is thrown.
 */
function isMissing(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'NoSuchKey';
}
