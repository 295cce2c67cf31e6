import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { KbError } from '../../../shared/errors.ts';
import type { SkippedFile } from '../../../shared/types.ts';

export interface WalkedFile {
  /** Absolute path as reached by the walk (symlinks not resolved, so the user recognises it). */
  path: string;
  sizeBytes: number;
  mtimeMs: number;
}

export interface WalkResult {
  files: WalkedFile[];
  skipped: SkippedFile[];
  /** Folders among the inputs (absolute): documents under them that were not seen are gone. */
  folders: string[];
}

export interface WalkOptions {
  /** Files larger than this are skipped. Defaults to 100 MiB. */
  maxFileBytes?: number;
  signal?: AbortSignal;
}

export const DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024;

/** Extensions the engine reads. Content decides the parser; the extension only admits the file. */
export const SUPPORTED_EXTENSIONS = new Set([
  '.pdf',
  '.docx',
  '.doc',
  '.wps',
  '.xlsx',
  '.xlsm',
  '.xls',
  '.et',
  '.ods',
  '.pptx',
  '.ofd',
  '.md',
  '.markdown',
  '.txt',
  '.text',
  '.html',
  '.htm',
  '.csv',
]);

const UNSUPPORTED_HINTS: Record<string, string> = {
  '.ppt': 'PowerPoint 97–2003 .ppt is not supported: export it as PDF (or save as .pptx) and add that',
  '.pps': 'PowerPoint 97–2003 slide shows are not supported: export it as PDF and add that',
  '.dps': 'WPS presentations are not supported: export it as PDF and add that',
  '.odt': 'OpenDocument text is not supported: save it as .docx and add that',
  '.odp': 'OpenDocument presentations are not supported: export it as PDF and add that',
  '.xlsb': 'Excel binary workbooks (.xlsb) are not supported: save it as .xlsx and add that',
};

/** Thrown when an input path itself cannot be used (does not exist): a mistake in the request, not a file to skip. */
export class IngestInputError extends KbError {
  constructor(input: string) {
    super('ingest.input-not-found', `no such file or folder: ${input}`, { path: input });
    this.name = 'IngestInputError';
  }
}

/** An fs error for a person: "permission denied (EACCES)" rather than a bare code. */
function describeAccessError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied for this user (${code})`;
  if (code === 'ENOENT') return 'it disappeared while the folder was being read (ENOENT)';
  return code ?? (error as Error).message;
}

export function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Lists the files to ingest under folders and single files, in a stable order (by code point of the name), with
 * every file that is left out and why: hidden names, Office lock files (~$*), symlink loops, over-size files,
 * unsupported types and unreadable folders.
 */
export async function walkInputs(inputs: string[], options: WalkOptions = {}): Promise<WalkResult> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const files: WalkedFile[] = [];
  const skipped: SkippedFile[] = [];
  const folders: string[] = [];
  const seenFiles = new Set<string>();

  const considerFile = (filePath: string, stats: Stats): void => {
    const name = path.basename(filePath);
    const extension = path.extname(name).toLowerCase();
    if (name.startsWith('~$')) {
      skipped.push({ path: filePath, reason: 'office-lock-file', detail: 'Office lock file (~$…), not a document' });
    } else if (!SUPPORTED_EXTENSIONS.has(extension)) {
      skipped.push({
        path: filePath,
        reason: 'unsupported-extension',
        detail: UNSUPPORTED_HINTS[extension] ?? `unsupported file type "${extension || '(no extension)'}"`,
      });
    } else if (stats.size > maxFileBytes) {
      skipped.push({
        path: filePath,
        reason: 'too-large',
        detail: `${formatMiB(stats.size)} is over the ${formatMiB(maxFileBytes)} size limit`,
      });
    } else {
      files.push({ path: filePath, sizeBytes: stats.size, mtimeMs: stats.mtimeMs });
    }
  };

  // `ancestors`: real paths of the folders on the way down, so a link back up is a loop and not followed.
  const walkFolder = async (folder: string, ancestors: Set<string>): Promise<void> => {
    options.signal?.throwIfAborted();
    let entries: string[];
    try {
      entries = (await fs.readdir(folder)).sort();
    } catch (error) {
      skipped.push({ path: folder, reason: 'unreadable', detail: `cannot read folder: ${describeAccessError(error)}` });
      return;
    }
    for (const name of entries) {
      const entryPath = path.join(folder, name);
      if (name.startsWith('.')) {
        skipped.push({ path: entryPath, reason: 'hidden', detail: 'hidden file or folder' });
        continue;
      }
      let stats: Stats;
      try {
        stats = await fs.stat(entryPath); // follows symlinks
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ELOOP') {
          skipped.push({ path: entryPath, reason: 'symlink-loop', detail: 'symbolic link that points to itself' });
        } else {
          skipped.push({
            path: entryPath,
            reason: 'unreadable',
            detail: code === 'ENOENT' ? 'broken symbolic link' : `cannot read: ${describeAccessError(error)}`,
          });
        }
        continue;
      }
      if (stats.isDirectory()) {
        const real = await fs.realpath(entryPath).catch(() => entryPath);
        if (ancestors.has(real)) {
          skipped.push({
            path: entryPath,
            reason: 'symlink-loop',
            detail: 'symbolic link back to a folder above it (loop)',
          });
          continue;
        }
        await walkFolder(entryPath, new Set([...ancestors, real]));
      } else if (stats.isFile()) {
        const real = await fs.realpath(entryPath).catch(() => entryPath);
        if (seenFiles.has(real)) continue; // the same file reached twice through links: index it once
        seenFiles.add(real);
        considerFile(entryPath, stats);
      } else {
        // Never read: a named pipe would block the ingestion forever, a device could be endless.
        skipped.push({
          path: entryPath,
          reason: 'unreadable',
          detail: 'not a regular file (named pipe, socket or device): nothing to index',
        });
      }
    }
  };

  for (const input of inputs) {
    const absolute = path.resolve(input);
    let stats: Stats;
    try {
      stats = await fs.stat(absolute);
    } catch {
      throw new IngestInputError(input);
    }
    if (stats.isDirectory()) {
      folders.push(absolute);
      await walkFolder(absolute, new Set([await fs.realpath(absolute)]));
    } else {
      const real = await fs.realpath(absolute);
      if (!seenFiles.has(real)) {
        seenFiles.add(real);
        considerFile(absolute, stats);
      }
    }
  }
  return { files, skipped, folders };
}
