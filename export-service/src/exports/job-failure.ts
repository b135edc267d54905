import { UpstreamError } from '../domain-errors';

/** A job that cannot succeed; its message is what the user sees, so it names no host, port or path. */
export class JobFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobFailure';
  }
}

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);

/** True for an error of the file system (it has an errno code and a syscall), such as a full disk. */
export function isFileError(error: unknown): error is NodeJS.ErrnoException {
  const e = error as Partial<NodeJS.ErrnoException> | null;
  return typeof e?.code === 'string' && typeof e.syscall === 'string';
}

/**
 * What the user is told when a job fails: a JobFailure's own message, a sentence for file and Loki errors, and
 * otherwise only that it failed (the error itself goes to the log, with the job id).
 */
export function visibleReason(error: unknown, jobId: string): string {
  if (error instanceof JobFailure) return error.message;
  if (isFileError(error)) {
    return DISK_FULL.has(error.code!)
      ? "the export service's disk is full: the export was stopped and its partial file deleted; try again later or ask an administrator to free space"
      : 'the export file could not be written; ask an administrator to check the export service';
  }
  if (error instanceof UpstreamError && error.upstream === 'loki')
    return error.retryable
      ? 'Loki did not answer; try again later'
      : `Loki rejected the query: ${error.message}`;
  return `the export failed unexpectedly; an administrator can find export ${jobId} in the service log`;
}
