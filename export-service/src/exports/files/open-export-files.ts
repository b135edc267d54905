import { join } from 'node:path';
import type { Config } from '../../config';
import { DirectoryExportFiles } from './directory-export-files';
import type { ExportFiles } from './export-files';
import { createS3Client } from './s3-client';
import { S3ExportFiles } from './s3-export-files';

/**
 * The configured export file storage: the S3 bucket `EXPORT_S3_BUCKET` when set, else the folder
 * `EXPORT_FILES_DIR` (by default `DATA_DIR/files`). An S3 store's scratch folder is emptied here, at start.
 */
export async function openExportFiles(
  config: Pick<
    Config,
    | 'DATA_DIR'
    | 'EXPORT_FILES_DIR'
    | 'EXPORT_S3_BUCKET'
    | 'EXPORT_S3_PREFIX'
    | 'EXPORT_S3_ENDPOINT'
    | 'EXPORT_S3_REGION'
    | 'EXPORT_S3_FORCE_PATH_STYLE'
  >
): Promise<ExportFiles> {
  if (!config.EXPORT_S3_BUCKET)
    return new DirectoryExportFiles(config.EXPORT_FILES_DIR ?? join(config.DATA_DIR, 'files'));
  const files = new S3ExportFiles(
    createS3Client({
      endpoint: config.EXPORT_S3_ENDPOINT,
      region: config.EXPORT_S3_REGION,
      forcePathStyle: config.EXPORT_S3_FORCE_PATH_STYLE,
    }),
    {
      bucket: config.EXPORT_S3_BUCKET,
      prefix: config.EXPORT_S3_PREFIX,
      scratchDir: join(config.DATA_DIR, 'scratch'),
    }
  );
  await files.clearScratch();
  return files;
}
