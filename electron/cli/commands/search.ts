import path from 'node:path';
import type { SearchHit } from '../../../shared/types.ts';
import { defineCommand } from '../CliCommand.ts';
import { ExitCode } from '../exitCodeFor.ts';
import { readBatch } from '../readJsonLines.ts';
import {
  JSON_OUTPUT,
  K,
  LIBRARY,
  positiveInteger,
  requireLibrary,
  RETRIEVAL,
  retrievalOption,
} from '../sharedOptions.ts';
import { UsageError } from '../UsageError.ts';
import { withEngine } from '../withEngine.ts';

function formatHit(hit: SearchHit, rank: number): string {
  const pages =
    hit.pageStart === null
      ? ''
      : hit.pageStart === hit.pageEnd
        ? `  p.${hit.pageStart}`
        : `  pp.${hit.pageStart}-${hit.pageEnd}`;
  const text = hit.text.length > 240 ? `${hit.text.slice(0, 240)}…` : hit.text;
  const also = hit.alsoIn.length
    ? `   also in: ${hit.alsoIn.map((c) => path.basename(c.documentPath)).join(', ')}`
    : null;
  return [
    `${rank}. [${hit.score.toFixed(3)}] ${hit.standard ? `${hit.standard}  ` : ''}${hit.documentPath}${pages}`,
    `   ${hit.headingPath.join(' › ') || '(no heading)'}`,
    `   ${text.replace(/\n/g, '\n   ')}`,
    ...(also ? [also] : []),
  ].join('\n');
}

export const searchCommand = defineCommand({
  name: 'search',
  synopsis: [
    '  kb search "<query>" --library <file> [--k 10] [--json] [--retrieval lexical|vector|hybrid]',
    '  kb search --batch <queries.jsonl> --library <file>      one {"id","query"} per line in, one JSON line per query out',
  ].join('\n'),
  options: {
    library: LIBRARY,
    json: JSON_OUTPUT,
    k: K,
    batch: {
      type: 'string',
      value: '<queries.jsonl>',
      help: 'one {"id","query"} per line in, one JSON line per query out',
    },
    retrieval: RETRIEVAL,
  },
  async run(args, values, io) {
    const libraryFile = requireLibrary(values);
    const k = positiveInteger(values.k, 'k', 10);
    const retrieval = retrievalOption(values.retrieval);
    if (!values.batch && args.length !== 1) throw new UsageError('kb search needs one quoted query, or --batch <file>');
    const batch = values.batch ? readBatch(values.batch, 'query') : null;
    return withEngine({}, io, async (engine) => {
      const library = await engine.openLibrary(libraryFile);
      if (batch) {
        for (const entry of batch) {
          const line =
            entry.text !== undefined
              ? { id: entry.id, query: entry.text, hits: await library.search(entry.text, { k, retrieval }) }
              : { line: entry.line, error: entry.error };
          io.stdout(`${JSON.stringify(line)}\n`);
        }
        return ExitCode.ok;
      }
      const hits = await library.search(args[0]!, { k, retrieval });
      if (values.json) io.stdout(`${JSON.stringify(hits)}\n`);
      else
        io.stdout(
          hits.length === 0 ? 'No passage matches.\n' : `${hits.map((hit, i) => formatHit(hit, i + 1)).join('\n\n')}\n`,
        );
      return ExitCode.ok;
    });
  },
});
