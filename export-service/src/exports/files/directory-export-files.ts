import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { storedName, type ExportFiles, type LocalFile, type OpenedFile } from './export-files';

/**
 * Export files in a folder: `DATA_DIR/files` on one machine, or a volume every replica mounts (NFS, a Kubernetes
 * ReadWriteMany volume). Files are staged in the same folder as `<name>.part` variants and published with
 * `rename`, which replaces the name atomically on one file system, so a reader sees the old file or the whole
 * new one, never a part.
 */
export class DirectoryExportFiles implements ExportFiles {
  constructor(readonly dir: string) {}

  async stagingPath(name: string): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    return this.pathOf(name);
  }

  async publish(stagingPath: string, name: string): Promise<void> {
    await rename(stagingPath, this.pathOf(name));
  }

  async discard(stagingPath: string): Promise<void> {
    await rm(stagingPath, { force: true });
  }

  async open(name: string): Promise<OpenedFile | undefined> {
    const handle = await open(this.pathOf(name), 'r').catch(missing);
    if (!handle) return undefined;
    try {
      const { size } = await handle.stat();
      // The stream closes the file when it ends, fails or is destroyed.
      return { size, body: handle.createReadStream() };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async local(name: string): Promise<LocalFile | undefined> {
    const path = this.pathOf(name);
    if (!(await stat(path).catch(missing))) return undefined;
    return { path, release: async () => undefined };
  }

  async remove(name: string): Promise<void> {
    await rm(this.pathOf(name), { force: true });
  }

  async list(): Promise<string[]> {
    return readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
  }

  /** The file of `name` in the folder; only its last part counts, so no name reaches outside the folder. */
  private pathOf(name: string): string {
    return join(this.dir, storedName(name));
  }
}

/** Undefined for a file that is not there; any other error is thrown. */
function missing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined;
  throw error;
}
