// kb serve's staging folder: each file the page PUTs is streamed to disk here under a random id (memory stays at a
// stream's buffers whatever the file's size) and waits for the commitUploads call that moves its batch into the
// library's upload folder. What is never committed (a tab closed mid-batch) expires; the folder is emptied at start
// and removed at close, so nothing of a half-sent batch outlives the server.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StagedUpload } from '../../shared/webUpload.ts';
import type { CodesOf, ErrorProblem } from '../../shared/errorCodes.ts';
import { KbError } from '../../shared/errors.ts';
import { ServiceError } from '../engine/index.ts';

const MIB = 1024 * 1024;

/** An upload refused with an HTTP status and a reason for a person (413 too large, 503 busy, 507 disk full). */
export class UploadRefusedError extends KbError {
  readonly status: number;
  constructor(status: number, problem: ErrorProblem<CodesOf<'upload'>>, message: string) {
    super(problem.code, message, problem.params);
    this.name = 'UploadRefusedError';
    this.status = status;
  }
}

export interface UploadStagingOptions {
  /** Bytes one file may have; more is refused (413), by its Content-Length or as it streams. */
  maxFileBytes: number;
  /** Staged files waiting for a commit. Defaults to `1000` (a batch's limit, MAX_UPLOAD_FILES). */
  maxStagedFiles?: number;
  /** Bytes of staged files waiting for a commit. Defaults to `4 GiB`: a large batch, but not a full disk. */
  maxStagedBytes?: number;
  /** Files being received at once. Defaults to `8`: the page sends one at a time; more is a client gone wrong. */
  maxReceiving?: number;
  /** How long an uncommitted file is kept, in ms. Defaults to `3_600_000` (an hour): a slow batch still commits. */
  ttlMs?: number;
}

interface Staged {
  file: string;
  bytes: number;
  stagedAt: number;
}

export class UploadStaging {
  readonly #dir: string;
  readonly #maxFileBytes: number;
  readonly #maxStagedFiles: number;
  readonly #maxStagedBytes: number;
  readonly #maxReceiving: number;
  readonly #ttlMs: number;
  readonly #staged = new Map<string, Staged>();
  #stagedBytes = 0;
  #receiving = 0;
  #disposed = false;

  private constructor(dir: string, options: UploadStagingOptions) {
    this.#dir = dir;
    this.#maxFileBytes = options.maxFileBytes;
    this.#maxStagedFiles = options.maxStagedFiles ?? 1_000;
    this.#maxStagedBytes = options.maxStagedBytes ?? 4 * 1024 * MIB;
    this.#maxReceiving = options.maxReceiving ?? 8;
    this.#ttlMs = options.ttlMs ?? 3_600_000;
  }

  /** Empties (or creates) `dir`: what a previous run left there belongs to no batch any more. */
  static async create(dir: string, options: UploadStagingOptions): Promise<UploadStaging> {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    return new UploadStaging(dir, options);
  }

  get dir(): string {
    return this.#dir;
  }

  get maxFileBytes(): number {
    return this.#maxFileBytes;
  }

  /**
   * Refuses (UploadRefusedError) a request that cannot be taken, before a byte of its body is read: over the size
   * limit by its Content-Length, too many files waiting or being received.
   */
  check(declaredBytes: number | null): void {
    if (this.#disposed) throw this.#stopping();
    if (declaredBytes !== null && declaredBytes > this.#maxFileBytes) throw this.#tooLarge(declaredBytes);
    // Their room is free at once; their files go in the background (rm with force does not fail).
    void this.#expire();
    if (this.#receiving >= this.#maxReceiving)
      throw new UploadRefusedError(
        503,
        { code: 'upload.too-many-receiving', params: { limit: this.#maxReceiving } },
        `${this.#maxReceiving} uploads are being received already: send the files one after another`,
      );
    if (this.#staged.size >= this.#maxStagedFiles) {
      throw new UploadRefusedError(
        503,
        { code: 'upload.too-many-waiting', params: { limit: this.#maxStagedFiles } },
        `${this.#maxStagedFiles} uploaded files are waiting to be added already: add them (commitUploads) before uploading more`,
      );
    }
    if (this.#stagedBytes + (declaredBytes ?? 0) > this.#maxStagedBytes) {
      throw new UploadRefusedError(
        507,
        { code: 'upload.staging-full', params: { waitingMiB: Math.round(this.#stagedBytes / MIB) } },
        `${Math.round(this.#stagedBytes / MIB)} MiB of uploads are waiting to be added already: add them before uploading more`,
      );
    }
  }

  /**
   * Streams one request's body into a new staged file. Refuses it (413) as soon as it passes the size limit; the
   * caller answers and closes the connection, so the rest is never read. A client that goes away mid-body leaves
   * nothing behind.
   */
  async receive(request: IncomingMessage): Promise<StagedUpload> {
    const length = request.headers['content-length'];
    this.check(length === undefined ? null : Number(length));
    const uploadId = randomBytes(16).toString('hex');
    const file = path.join(this.#dir, uploadId);
    const maxBytes = this.#maxFileBytes;
    let bytes = 0;
    const counter = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        bytes += chunk.length;
        done(bytes > maxBytes ? this.#tooLarge(null) : null, chunk);
      },
    });
    // The request is piped, not handed to pipeline(): pipeline would destroy it on a refusal, and with it the socket
    // the 413 must still be written to.
    const gone = (): void => {
      if (!request.complete)
        counter.destroy(
          new UploadRefusedError(
            400,
            { code: 'upload.cut-off', params: {} },
            'the upload was cut off before its end: send the file again',
          ),
        );
    };
    request.once('aborted', gone).once('close', gone).once('error', gone);
    request.pipe(counter);
    this.#receiving++;
    try {
      await pipeline(counter, createWriteStream(file, { flags: 'wx' }));
    } catch (error) {
      request.unpipe(counter);
      await rm(file, { force: true });
      throw this.#refusal(error as NodeJS.ErrnoException);
    } finally {
      this.#receiving--;
      request.off('aborted', gone).off('close', gone).off('error', gone);
    }
    if (this.#disposed) {
      await rm(file, { force: true });
      throw this.#stopping();
    }
    this.#staged.set(uploadId, { file, bytes, stagedAt: Date.now() });
    this.#stagedBytes += bytes;
    return { uploadId, sizeBytes: bytes };
  }

  /**
   * The staged files of a batch, in order, taken out of the staging's keeping (no other commit can name them now;
   * the caller discards what it did not move). An unknown or repeated id refuses the whole batch and discards the rest.
   */
  async take(uploadIds: string[]): Promise<string[]> {
    await this.#expire();
    const files: string[] = [];
    let problem: { text: string; code: 'upload.repeated-id' | 'upload.unknown-id'; uploadId: string } | null = null;
    const seen = new Set<string>();
    for (const uploadId of uploadIds) {
      const staged = this.#staged.get(uploadId);
      if (seen.has(uploadId))
        problem ??= {
          text: `upload ${uploadId} is named twice in the batch: each uploaded file is added once`,
          code: 'upload.repeated-id',
          uploadId,
        };
      else if (!staged)
        problem ??= {
          text: `upload ${uploadId} is not waiting here (added already, expired after an hour, or sent to another kb serve): upload the file again`,
          code: 'upload.unknown-id',
          uploadId,
        };
      seen.add(uploadId);
      if (!staged) continue;
      this.#staged.delete(uploadId);
      this.#stagedBytes -= staged.bytes;
      files.push(staged.file);
    }
    if (problem !== null) {
      await this.discard(files);
      throw new ServiceError(`${problem.text}; nothing of the batch was kept`, {
        code: problem.code,
        params: { uploadId: problem.uploadId },
      });
    }
    return files;
  }

  /** Removes staged files (those a commit took but did not move in: after a refusal, every one). */
  async discard(files: string[]): Promise<void> {
    await Promise.all(files.map((file) => rm(file, { force: true })));
  }

  /** Removes the staging folder and all it holds; later uploads are refused. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#staged.clear();
    this.#stagedBytes = 0;
    await rm(this.#dir, { recursive: true, force: true });
  }

  /** Forgets the uploads older than the time to live at once; resolves when their files are gone. */
  #expire(): Promise<void> {
    const now = Date.now();
    const expired: string[] = [];
    for (const [uploadId, staged] of this.#staged) {
      if (now - staged.stagedAt < this.#ttlMs) continue;
      this.#staged.delete(uploadId);
      this.#stagedBytes -= staged.bytes;
      expired.push(staged.file);
    }
    return this.discard(expired);
  }

  #stopping(): UploadRefusedError {
    return new UploadRefusedError(
      503,
      { code: 'upload.stopping', params: {} },
      'kb serve is stopping: start it again and upload again',
    );
  }

  #tooLarge(bytes: number | null): UploadRefusedError {
    const size = bytes === null ? 'over' : `${(bytes / MIB).toFixed(1)} MiB, over`;
    return new UploadRefusedError(
      413,
      { code: 'upload.too-large', params: { limitMiB: this.#maxFileBytes / MIB } },
      `the file is ${size} the ${this.#maxFileBytes / MIB} MiB a file uploaded here may be (the library would not index it): split it, or add it with "kb ingest" on this machine`,
    );
  }

  #refusal(error: NodeJS.ErrnoException): UploadRefusedError {
    if (error instanceof UploadRefusedError) return error;
    switch (error.code) {
      case 'ENOSPC':
      case 'EDQUOT':
        return new UploadRefusedError(
          507,
          { code: 'upload.disk-full', params: { folder: this.#dir } },
          `the disk holding ${this.#dir} is full: free space, then upload again`,
        );
      case 'EACCES':
      case 'EPERM':
      case 'EROFS':
        return new UploadRefusedError(
          500,
          { code: 'upload.no-permission', params: { folder: this.#dir } },
          `no permission to write in ${this.#dir}: fix the folder's permissions, then upload again`,
        );
      default:
        return new UploadRefusedError(
          500,
          { code: 'upload.store-failed', params: { folder: this.#dir, detail: error.message } },
          `the upload could not be stored in ${this.#dir} (${error.message}): upload again`,
        );
    }
  }
}
