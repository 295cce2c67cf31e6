// Reads a file that the folder walk listed, as what it is now. Between the listing and the read a file can be
// replaced or grown: a named pipe (FIFO) in its place blocked fs.readFile for ever (cancel did nothing, and kb serve
// then refused uploads while the job "ran"), and a file grown past the size limit was read whole (300 MB → out of
// memory). So the file is opened without blocking, checked on the open descriptor, and read up to the limit only.
import { constants, promises as fs } from 'node:fs';
import type { FailedFile } from '../../../shared/types.ts';
import { formatMiB } from './walkInputs.ts';

/** Why a listed file was not read: a FailedFile's code and reason. */
export class ListedFileError extends Error {
  readonly code: FailedFile['code'];
  constructor(code: FailedFile['code'], message: string) {
    super(message);
    this.name = 'ListedFileError';
    this.code = code;
  }
}

const CHUNK_BYTES = 1024 * 1024;

/**
 * The bytes of `file`, at most `maxBytes`. Throws ListedFileError('unreadable') when it is no longer a regular file,
 * ListedFileError('too-large') when it is (or grows while read) over `maxBytes`, and the signal's reason on cancel.
 */
export async function readListedFile(file: string, maxBytes: number, signal?: AbortSignal): Promise<Buffer> {
  // O_NONBLOCK: opening a FIFO that no one writes to returns at once instead of waiting for a writer.
  const handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      const kind = stats.isFIFO()
        ? 'a named pipe (FIFO)'
        : stats.isSocket()
          ? 'a socket'
          : stats.isCharacterDevice() || stats.isBlockDevice()
            ? 'a device'
            : 'not a regular file';
      throw new ListedFileError(
        'unreadable',
        `${kind} took the place of this file after its folder was read: not read`,
      );
    }
    if (stats.size > maxBytes)
      throw new ListedFileError(
        'too-large',
        `${formatMiB(stats.size)} is over the ${formatMiB(maxBytes)} size limit (it grew after its folder was read)`,
      );
    // One buffer of the size the descriptor reports, so a file costs its size once (as fs.readFile did), plus one byte:
    // a byte past that size means the file is still growing, and it may grow only up to the limit.
    let buffer = Buffer.allocUnsafe(stats.size + 1);
    let total = 0;
    for (;;) {
      signal?.throwIfAborted();
      if (total === buffer.length) {
        if (total > maxBytes)
          throw new ListedFileError(
            'too-large',
            `over the ${formatMiB(maxBytes)} size limit: the file grew while it was read`,
          );
        const larger = Buffer.allocUnsafe(
          Math.min(Math.max(buffer.length * 2, buffer.length + CHUNK_BYTES), maxBytes + 1),
        );
        buffer.copy(larger, 0, 0, total);
        buffer = larger;
      }
      // In steps, so that a cancel is seen between them.
      const { bytesRead } = await handle.read(buffer, total, Math.min(CHUNK_BYTES, buffer.length - total), null);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    return buffer.subarray(0, total);
  } finally {
    await handle.close();
  }
}
