import type { ExportFormat, LogType } from '@auditlens/contract';
import { createCsvWriter } from './csv-writer';
import type { OpenFile } from './file-sink';
import type { ExportFileWriter } from './row-writer';
import { createXlsxWriter } from './xlsx-writer';

/** How the files of one export format are written, typed and named. */
export interface ExportFormatSpec {
  /** Starts a file of this format at `path` with the log type's columns, times shown in `timeZone`. */
  readonly createWriter: (
    path: string,
    logType: LogType,
    timeZone: string,
    open?: OpenFile
  ) => ExportFileWriter;
  /** The file's MIME type, as an attachment and as a download. */
  readonly contentType: string;
  /** The file name's extension, without the dot. */
  readonly extension: string;
}

/** Every export format: the runner writes with it, the mail attaches and the download route serves by it. */
export const EXPORT_FORMAT_SPECS: Readonly<Record<ExportFormat, ExportFormatSpec>> = {
  csv: { createWriter: createCsvWriter, contentType: 'text/csv; charset=utf-8', extension: 'csv' },
  xlsx: {
    createWriter: createXlsxWriter,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extension: 'xlsx',
  },
};

/** The name a requester sees for an export's file, in the mail and the download: `auditlens-access-0190c2a8.csv`. */
export function exportFileName(job: {
  readonly id: string;
  readonly logType: LogType;
  readonly format: ExportFormat;
}): string {
  return `auditlens-${job.logType}-${job.id.slice(0, 8)}.${EXPORT_FORMAT_SPECS[job.format].extension}`;
}
