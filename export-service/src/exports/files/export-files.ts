import type { Readable } from 'node:stream';

/** A stored export file opened for reading. */
export interface OpenedFile {
  readonly size: number;
  /** The file's bytes; destroying it releases the file. */
  readonly body: Readable;
}

/** A stored export file as a path on this machine (to zip or attach); `release()` once done with it. */
export interface LocalFile {
  readonly path: string;
  release(): Promise<void>;
}

/**
 * Where export files live, read and written by every replica of the service: a folder (`DirectoryExportFiles`;
 * on one machine, or a volume every replica mounts) or S3-compatible object storage (`S3ExportFiles`). Files are
 * named `<job id>.<format>` and variants (`.zip`); a file is written to a staging path first and only
 * {@link publish} makes it visible under its name, complete, so no reader ever sees a partial file.
 */
export interface ExportFiles {
  /** A path on this machine to write a file that will be published, named `name` (which starts with the job id). */
  stagingPath(name: string): Promise<string>;
  /** Makes the staged file visible under `name`, complete, replacing any file of that name; the staged one is gone. */
  publish(stagingPath: string, name: string): Promise<void>;
  /** Deletes a staged file (an abandoned attempt); nothing when it is not there. */
  discard(stagingPath: string): Promise<void>;
  /** Opens a stored file; undefined when there is none of that name. */
  open(name: string): Promise<OpenedFile | undefined>;
  /** A stored file as a local path; undefined when there is none of that name. */
  local(name: string): Promise<LocalFile | undefined>;
  /** Deletes a stored file (or a staged one kept beside them); nothing when it is not there. */
  remove(name: string): Promise<void>;
  /** The names of every stored file, and of staged files where they are kept beside them. */
  list(): Promise<string[]>;
}

/**
 * The name under which a job's file is stored: jobs keep the name; jobs of releases before shared storage kept
 * the absolute path of the file in `DATA_DIR/files`, whose last part is the same name.
 */
export function storedName(filePath: string): string {
  const at = filePath.lastIndexOf('/');
  return at === -1 ? filePath : filePath.slice(at + 1);
}
