import type { SourceInfo } from '../../../shared/engineApi.ts';
import type { IngestSummary } from '../../../shared/types.ts';
import { ServiceError } from './ServiceError.ts';

export interface RescanPlan {
  /** The sources to ingest again. */
  present: string[];
  /** The sources that are not there, reported in the job's summary (their documents stay). */
  missing: IngestSummary['skipped'];
}

/**
 * Which of a library's sources a re-scan reads again: `paths` (all sources when absent). Only what the library was
 * fed can be re-read this way: a path that is not a source is refused, not ingested; so is a re-scan that would find
 * nothing to read.
 */
export function planRescan(sources: SourceInfo[], paths?: string[]): RescanPlan {
  const known = new Map(sources.map((source) => [source.path, source]));
  const unknown = (paths ?? []).find((p) => !known.has(p));
  if (unknown !== undefined)
    throw new ServiceError(`${unknown} is not a source of this library: add it as a folder or file instead`, {
      code: 'service.not-a-source',
      params: { path: unknown },
    });
  const chosen = paths ? [...new Set(paths)].map((p) => known.get(p)!) : sources;
  if (chosen.length === 0)
    throw new ServiceError('this library has no sources yet: add a folder or files first', {
      code: 'service.no-sources',
      params: {},
    });
  const present = chosen.filter((source) => source.kind !== 'missing').map((source) => source.path);
  // A source that is not there (moved, deleted, an unplugged drive) is reported, and its documents stay.
  const missing = chosen
    .filter((source) => source.kind === 'missing')
    .map((source) => ({
      path: source.path,
      reason: 'unreadable' as const,
      detail: 'not found (moved, deleted, or on a drive not connected): its documents stay in the library',
    }));
  if (present.length === 0)
    throw new ServiceError(
      `not found: ${missing.map((m) => m.path).join(', ')} (moved, deleted, or on a drive not connected); the documents from it stay in the library`,
    );
  return { present, missing };
}
