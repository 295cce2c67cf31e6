import { watch, type FSWatcher, statSync } from 'node:fs';
import path from 'node:path';
import type { IngestSummary } from '../../../shared/types.ts';
import type { IngestOptions } from './ingestFiles.ts';

/** What the watcher needs of a library: its file, its sources and an incremental ingestion. `Library` has all three. */
export interface WatchableLibrary {
  readonly file: string;
  sourcePaths(): string[];
  ingest(inputs: string[], options?: IngestOptions): Promise<IngestSummary>;
}

export interface WatchLibraryFoldersOptions {
  /** Quiet time after the last change before the folder is re-ingested, in ms. Defaults to `500`. */
  debounceMs?: number;
  /**
   * Re-ingest every source once when the watcher starts, to catch what changed while the app was closed.
   * Defaults to `true`.
   */
  rescanOnStart?: boolean;
  /** Options for each ingestion (size limits, progress). The watcher owns the cancellation signal. */
  ingest?: Omit<IngestOptions, 'signal'>;
  /** Called after each re-ingestion with its summary and the sources it covered. */
  onIngested?: (summary: IngestSummary, sources: string[]) => void;
  /** Problems that do not stop the watcher: a source that cannot be watched or is gone, a failed run. */
  onError?: (error: Error) => void;
}

export interface LibraryFolderWatcher {
  /** The sources (folders and files) being watched. */
  readonly sources: readonly string[];
  /** Re-ingests every source now, without waiting for the debounce; resolves when that run is over. */
  rescan(): Promise<void>;
  /** Resolves once no change is waiting and no ingestion is running. */
  idle(): Promise<void>;
  /** Stops watching; a running ingestion stops after its current file. Resolves when everything has stopped. */
  close(): Promise<void>;
}

// 500 ms: an editor's save (temp file, rename, chmod) or a copied folder arrives as a burst of events; one run
// after the burst instead of one per event.
const DEFAULT_DEBOUNCE_MS = 500;

/** Names the ingestion never reads (see walkInputs): changes to them need no run. */
function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~$');
}

/**
 * Watches a library's source folders (and single files) and re-ingests a source, debounced, when something in it is
 * added, changed, renamed or deleted. The ingestion is the library's own incremental one: unchanged files are
 * recognised by size and mtime (not read), changed ones replaced, vanished ones removed. Uses `fs.watch` with
 * `recursive: true` (inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows); a folder that cannot be
 * watched (e.g. over the inotify limit) is reported through `onError` and still caught by `rescan()`.
 */
export function watchLibraryFolders(
  library: WatchableLibrary,
  options: WatchLibraryFoldersOptions = {},
): LibraryFolderWatcher {
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const libraryFile = path.resolve(library.file);
  const sources = library.sourcePaths();
  const watchers: FSWatcher[] = [];
  const pending = new Set<string>();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let closed = false;
  let idleWaiters: (() => void)[] = [];

  const report = (error: unknown): void => options.onError?.(error instanceof Error ? error : new Error(String(error)));

  const settleIdle = (): void => {
    if (running || timer || pending.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const schedule = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void flush();
    }, debounceMs);
  };

  const changed = (source: string, absolute: string | null): void => {
    if (closed) return;
    if (absolute !== null) {
      // The library's own file, its WAL and journal: writing them must not trigger another run (the library may
      // live inside a watched folder).
      if (absolute === libraryFile || absolute.startsWith(`${libraryFile}-`)) return;
      if (isIgnoredName(path.basename(absolute))) return;
    }
    pending.add(source);
    schedule();
  };

  const flush = async (): Promise<void> => {
    if (closed || pending.size === 0) return settleIdle();
    if (running) return; // picked up when the running ingestion ends
    const batch = [...pending];
    pending.clear();
    const present = batch.filter((source) => {
      try {
        statSync(source);
        return true;
      } catch {
        report(new Error(`${source} is gone: its documents stay in the library until it is back or removed`));
        return false;
      }
    });
    if (present.length === 0) return settleIdle();
    running = (async () => {
      try {
        const summary = await library.ingest(present, { ...options.ingest, signal: controller.signal });
        options.onIngested?.(summary, present);
      } catch (error) {
        if (/already running/.test((error as Error).message)) {
          // Someone else is ingesting into this library (the user, from the app): try again after them.
          for (const source of present) pending.add(source);
        } else {
          report(error);
        }
      }
    })();
    await running;
    running = null;
    if (pending.size > 0) schedule();
    settleIdle();
  };

  for (const source of sources) {
    let isFolder: boolean;
    try {
      isFolder = statSync(source).isDirectory();
    } catch {
      report(new Error(`cannot watch ${source}: it does not exist (its documents stay until it is back)`));
      continue;
    }
    try {
      // A single file: watch its folder (a save often replaces the file, which ends a watch on the file itself).
      const target = isFolder ? source : path.dirname(source);
      const watcher = watch(target, { recursive: isFolder, persistent: true }, (_event, name) => {
        if (name === null) return changed(source, null);
        const absolute = path.join(target, name.toString());
        if (!isFolder && absolute !== source) return;
        changed(source, absolute);
      });
      watcher.on('error', (error) => {
        report(
          new Error(
            `stopped watching ${source} (${(error as NodeJS.ErrnoException).code ?? error.message}): changes there are caught by the next rescan`,
          ),
        );
        watcher.close();
        changed(source, null);
      });
      watchers.push(watcher);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const hint =
        code === 'ENOSPC' ? ': too many folders for the system file-watch limit (fs.inotify.max_user_watches)' : '';
      report(
        new Error(
          `cannot watch ${source} (${code ?? (error as Error).message})${hint}; changes there are caught by the next rescan`,
        ),
      );
    }
  }

  const rescan = async (): Promise<void> => {
    if (closed) return;
    for (const source of sources) pending.add(source);
    if (timer) clearTimeout(timer);
    timer = null;
    while (running) await running;
    await flush();
  };

  if (options.rescanOnStart ?? true) void rescan();

  return {
    sources,
    rescan,
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      }),
    close: async () => {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      pending.clear();
      for (const watcher of watchers) watcher.close();
      controller.abort();
      while (running) await running;
      settleIdle();
    },
  };
}
