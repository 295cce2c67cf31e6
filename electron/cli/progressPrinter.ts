import path from 'node:path';
import type { IngestProgress } from '../../shared/types.ts';
import { REDRAW, type CliIo } from './CliIo.ts';

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** Ingestion progress on stderr: one redrawn line on a terminal, a line every few seconds in a log. */
export function progressPrinter(io: CliIo): (progress: IngestProgress) => void {
  let lastPrinted = 0;
  return (progress) => {
    const now = Date.now();
    const finished = progress.currentFile === null;
    // A log file gets a line every 2 s; a terminal redraws at most 10 times a second.
    if (!finished && now - lastPrinted < (io.stderrIsTty ? 100 : 2000)) return;
    lastPrinted = now;
    const percent = progress.bytesTotal > 0 ? Math.floor((progress.bytesDone / progress.bytesTotal) * 100) : 100;
    const eta = progress.etaMs === null ? '' : ` ETA ${formatDuration(progress.etaMs)}`;
    const current = progress.currentFile ? `  ${path.basename(progress.currentFile)}` : '';
    const rate = `${progress.filesPerSecond.toFixed(1)} files/s`;
    const line = `[${progress.filesDone}/${progress.filesTotal}] ${percent}% ${rate}${eta}${current}`;
    io.stderr(io.stderrIsTty ? `${REDRAW}${line}${finished ? '\n' : ''}` : `${line}\n`);
  };
}
