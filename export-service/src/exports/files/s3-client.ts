import { S3Client } from '@aws-sdk/client-s3';

/** Where the S3 bucket is reached. */
export interface S3Settings {
  /** An S3-compatible endpoint (MinIO, Ceph, R2, ...); AWS's own when unset. */
  readonly endpoint?: string;
  readonly region: string;
  /** Address buckets as `<endpoint>/<bucket>` rather than `<bucket>.<endpoint>` (most S3-compatible stores). */
  readonly forcePathStyle: boolean;
  /** Credentials; when unset, the SDK's own chain (AWS_ACCESS_KEY_ID / _SECRET_ACCESS_KEY, a web identity, a role). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * An S3 client for export files. Checksums are sent and checked only where S3 requires them: the SDK's default
 * since 3.729 (a CRC32 trailer in aws-chunked bodies on every upload) is refused by several S3-compatible stores,
 * and uploads here carry a Content-Length and are signed over their bytes anyway.
 */
export function createS3Client(settings: S3Settings): S3Client {
  return new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials: settings.credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
