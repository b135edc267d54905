import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import type { OpenFile } from '../../src/exports/writers/file-sink';

/** The error a write on a full disk fails with, as node's fs reports it. */
export function noSpaceError(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), {
    code: 'ENOSPC',
    errno: -28,
    syscall: 'write',
  });
}

/**
 * An OpenFile for a disk with room for `bytes` more bytes: the file is really written until then, and the
 * write that does not fit fails with ENOSPC as `fs.WriteStream` does (the error is emitted, the stream
 * destroyed). Files opened after the disk filled up fail at their first write.
 */
export function diskWithRoom(bytes: number): { open: OpenFile; readonly opened: string[] } {
  let room = bytes;
  const opened: string[] = [];
  const open: OpenFile = (path) => {
    opened.push(path);
    const file = createWriteStream(path);
    let written = 0;
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        if (chunk.length > room) {
          room = 0;
          callback(noSpaceError());
          return;
        }
        room -= chunk.length;
        written += chunk.length;
        file.write(chunk, callback);
      },
      final(callback) {
        file.end(callback);
      },
      destroy(error, callback) {
        if (file.closed) callback(error);
        else {
          file.once('close', () => callback(error));
          file.destroy();
        }
      },
    });
    Object.defineProperty(stream, 'bytesWritten', { get: () => written });
    return stream;
  };
  return { open, opened };
}
