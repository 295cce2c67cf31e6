// The folder uploaded files are written to before they are ingested (uploadFiles, kb serve's streamed uploads): one
// batch at a time, whole or not at all, under names every file system takes.
import { createHash, randomUUID } from 'node:crypto';
import { copyFile, lstat, mkdir, rename, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobOptions, JobStarted, UploadedFile } from '../../../shared/engineApi.ts';
import type { LibraryJobs } from './LibraryJobs.ts';
import { ServiceError } from './ServiceError.ts';

/** One uploaded file: its name as uploaded (folders with '/'), and how its bytes get to the target path. */
interface UploadPlacement {
  name: string;
  place(target: string): Promise<void>;
}

/**
 * The most UTF-8 bytes of one name the upload writes. File systems allow 255 bytes (ext4, APFS; NTFS 255 UTF-16
 * units), and a Chinese character is 3 bytes: a name of 86 Chinese characters failed with a raw ENAMETOOLONG.
 */
const MAX_NAME_BYTES = 240;

/** The longest start of `text` within `maxBytes` UTF-8 bytes, cut between characters. */
function utf8Prefix(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    bytes += Buffer.byteLength(character);
    if (bytes > maxBytes) break;
    end += character.length;
  }
  return text.slice(0, end);
}

/**
 * Makes an uploaded file's name safe to write: no folders, no hidden files, no control characters, NFC, and at most
 * MAX_NAME_BYTES (a longer name is cut on a character, keeps its extension and gets a hash of the whole name).
 */
export function safeUploadName(name: string): string {
  // NFC: the same name typed on macOS (NFD) and elsewhere is one file, not two that look alike.
  const base = [...name.normalize('NFC').replace(/[\\/]/g, '_')]
    .filter((c) => c.charCodeAt(0) > 0x1f && c !== '\x7f')
    .join('');
  const trimmed = base.replace(/^[.\s]+/, '').trim();
  if (trimmed === '') return 'upload';
  if (Buffer.byteLength(trimmed) <= MAX_NAME_BYTES) return trimmed;
  // Too long for a file system: cut on a character, keep the extension, and keep names that differ only after
  // the cut apart with a hash of the whole name.
  const extension = /\.[\p{L}\p{N}]{1,10}$/u.exec(trimmed)?.[0] ?? '';
  const tag = `~${createHash('sha256').update(trimmed).digest('hex').slice(0, 8)}`;
  const stem = utf8Prefix(
    trimmed.slice(0, trimmed.length - extension.length),
    MAX_NAME_BYTES - Buffer.byteLength(tag + extension),
  ).trimEnd();
  return `${stem}${tag}${extension}`;
}

/** Moves a file; across file systems (a staging folder on another mount), copies it and removes the original. */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(from, to);
    await rm(from, { force: true });
  }
}

export class UploadFolder {
  readonly #dir: string;
  readonly #jobs: LibraryJobs;
  // A batch being written (before its ingestion job exists).
  #writing = false;

  constructor(dir: string, jobs: LibraryJobs) {
    this.#dir = dir;
    this.#jobs = jobs;
  }

  get dir(): string {
    return this.#dir;
  }

  /** Writes uploaded files (sent whole, base64) into the folder and starts their ingestion. */
  saveUploaded(files: UploadedFile[], options: JobOptions = {}): Promise<JobStarted> {
    return this.#save(
      options,
      files.map(({ name, dataBase64 }) => ({
        name,
        place: (target) => writeFile(target, Buffer.from(dataBase64, 'base64')),
      })),
    );
  }

  /**
   * Moves files kb serve has streamed to disk (its staging folder) into the folder under their uploaded names and
   * starts their ingestion. What is not moved stays for the caller.
   */
  moveStaged(files: { name: string; stagedFile: string }[], options: JobOptions = {}): Promise<JobStarted> {
    return this.#save(
      options,
      files.map(({ name, stagedFile }) => ({ name, place: (target) => moveFile(stagedFile, target) })),
    );
  }

  /**
   * Writes a batch into the folder (each file placed by its `place`) and starts its ingestion: the whole batch or
   * nothing, names made safe, two names that would be one file refused.
   */
  async #save(options: JobOptions, files: UploadPlacement[]): Promise<JobStarted> {
    // One batch at a time: a second one written beside the first could not start its ingestion, and the rollback
    // of one must not remove what the other wrote.
    if (this.#jobs.busy || this.#writing)
      throw new ServiceError('an ingestion is already running: wait for it to finish or cancel it', {
        code: 'service.job-running',
        params: {},
      });
    // Each folder of a relative name is cleaned like a file name, so the target stays under the upload folder.
    const targets = files.map((file) => file.name.split('/').map(safeUploadName));
    const seen = new Map<string, string>();
    targets.forEach((parts, i) => {
      const key = parts.join('/');
      const other = seen.get(key);
      if (other !== undefined)
        throw new ServiceError(
          `"${files[i]!.name}" and "${other}" would be written as the same file (${key}): rename one of them and upload again`,
        );
      seen.set(key, files[i]!.name);
    });
    this.#writing = true;
    // A batch is written whole or not at all: when a file cannot be written, or the ingestion cannot start, what
    // the batch created is removed and what it overwrote (the same name uploaded before) is put back. An overwritten
    // file is moved aside, beside the upload folder (never inside it, where the ingestion would find it), rather than
    // read into memory: it may be a 100 MB PDF.
    const createdFiles: string[] = [];
    const createdFolders: string[] = [];
    const replaced = new Map<string, string>();
    const asideDir = `${this.#dir}.replaced`;
    let writing = '';
    try {
      const uploadRoot = await mkdir(this.#dir, { recursive: true });
      if (uploadRoot !== undefined) createdFolders.push(uploadRoot);
      const sources = new Set<string>();
      for (const [i, parts] of targets.entries()) {
        writing = files[i]!.name;
        const target = path.join(this.#dir, ...parts);
        const folder = await mkdir(path.dirname(target), { recursive: true });
        if (folder !== undefined) createdFolders.push(folder);
        const before = await lstat(target).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return null;
          throw error;
        });
        if (before === null) createdFiles.push(target);
        else if (before.isDirectory()) throw Object.assign(new Error(`${target} is a folder`), { code: 'EISDIR' });
        else {
          await mkdir(asideDir, { recursive: true });
          const aside = path.join(asideDir, randomUUID());
          await rename(target, aside);
          replaced.set(target, aside);
        }
        await files[i]!.place(target);
        // An uploaded folder becomes one source (re-scanned as a folder); a loose file is its own.
        sources.add(path.join(this.#dir, parts[0]!));
      }
      writing = '';
      const started = this.#jobs.ingest([...sources], options);
      await Promise.all([...replaced.values()].map((aside) => rm(aside, { force: true })));
      await rmdir(asideDir).catch(() => undefined);
      return started;
    } catch (error) {
      await Promise.all(createdFiles.map((file) => rm(file, { force: true })));
      await Promise.all([...replaced].map(([file, aside]) => rename(aside, file).catch(() => undefined)));
      await rmdir(asideDir).catch(() => undefined);
      // mkdir returned the first folder it made; the ones below it were made too: remove the deepest first.
      for (const folder of createdFolders.reverse())
        await rm(folder, { recursive: true, force: true }).catch(() => undefined);
      if (error instanceof ServiceError) throw error;
      throw new ServiceError(
        `the upload could not be saved (${this.#failure(error as NodeJS.ErrnoException, writing)}); nothing of it was kept`,
      );
    } finally {
      this.#writing = false;
    }
  }

  /** Why an uploaded file could not be written, and what to do, for a person. */
  #failure({ code, message }: NodeJS.ErrnoException, name: string): string {
    const file = name === '' ? 'the upload folder' : `"${name}"`;
    switch (code) {
      case 'ENOSPC':
      case 'EDQUOT':
        return `the disk is full while writing ${file}: free space, then upload again`;
      case 'EACCES':
      case 'EPERM':
      case 'EROFS':
        return `no permission to write ${file} in ${this.#dir}: fix the folder's permissions, then upload again`;
      case 'ENOTDIR':
      case 'EISDIR':
      case 'EEXIST':
        return `${file} clashes with a file or folder of the same name uploaded before, in ${this.#dir}: rename it and upload again`;
      case 'ENAMETOOLONG':
        return `the path of ${file} is too long for this file system: upload it with fewer or shorter folders`;
      default:
        return `${file}: ${message}`;
    }
  }

  /** Deletes a removed document's file when it is an uploaded copy (ours); a file the user pointed at stays. */
  async deleteCopy(documentPath: string): Promise<void> {
    if (path.dirname(documentPath) === path.resolve(this.#dir)) await unlink(documentPath).catch(() => undefined);
  }
}
