import { DOCUMENT_KINDS, type DocumentInfo, type DocumentProfileChanges } from '../../../shared/types.ts';
import { defineCommand } from '../CliCommand.ts';
import { ExitCode } from '../exitCodeFor.ts';
import { JSON_OUTPUT, LIBRARY, positiveInteger, requireLibrary } from '../sharedOptions.ts';
import { UsageError } from '../UsageError.ts';
import { withEngine } from '../withEngine.ts';

/** A document's identity in one line: "GB/T 22239-2019 信息安全技术 网络安全等级保护基本要求 [requirements]". */
function profileLine(doc: DocumentInfo): string {
  const p = doc.profile;
  const parts = [
    p.standard,
    p.title,
    p.year && !(p.standard ?? '').endsWith(p.year) ? `(${p.year})` : null,
    `[${p.kind}${p.sector ? `, ${p.sector}` : ''}${p.region ? `, ${p.region}` : ''}]`,
  ];
  const edited = doc.profileEdited.length ? `  (set by hand: ${doc.profileEdited.join(', ')})` : '';
  return `${parts.filter(Boolean).join(' ')}${edited}`;
}

const PROFILE_OPTIONS = ['standard', 'title', 'year', 'kind', 'sector', 'region'] as const;

const docsSetCommand = defineCommand({
  name: 'set',
  synopsis: [
    '  kb docs set <document id> --library <file> [--standard S] [--title T] [--year Y] [--kind K] [--sector S]',
    "         [--region R] [--reset field,…]     correct what a document is ('' = none); --reset returns to the detected",
  ].join('\n'),
  options: {
    library: LIBRARY,
    json: JSON_OUTPUT,
    standard: {
      type: 'string',
      value: 'S',
      help: "its standard's number with the year, e.g. 'GB/T 22239-2019' ('' = none)",
    },
    title: { type: 'string', value: 'T', help: "its own title, not its first heading ('' = none)" },
    year: { type: 'string', value: 'Y', help: "the year of its version ('' = none)" },
    kind: { type: 'string', value: 'K', help: `what it is: ${DOCUMENT_KINDS.join(', ')}` },
    sector: { type: 'string', value: 'S', help: "the sector it is written for, e.g. finance ('' = none)" },
    region: { type: 'string', value: 'R', help: "the region it applies to, e.g. 上海 ('' = none: national)" },
    reset: {
      type: 'string',
      value: 'field,…',
      help: `return these fields to what was detected: ${PROFILE_OPTIONS.join(', ')}`,
    },
  },
  async run(args, values, io) {
    const libraryFile = requireLibrary(values);
    if (args.length !== 1) throw new UsageError('kb docs set needs one document id (see kb docs)');
    const documentId = positiveInteger(args[0], 'document id', 0);
    const changes: DocumentProfileChanges = {};
    for (const field of PROFILE_OPTIONS) if (values[field] !== undefined) changes[field] = values[field];
    for (const field of (values.reset ?? '')
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean)) {
      if (!(PROFILE_OPTIONS as readonly string[]).includes(field)) {
        throw new UsageError(`--reset takes ${PROFILE_OPTIONS.join(', ')}; got "${field}"`);
      }
      changes[field as (typeof PROFILE_OPTIONS)[number]] = null;
    }
    if (Object.keys(changes).length === 0) {
      throw new UsageError(
        `kb docs set needs at least one of ${PROFILE_OPTIONS.map((f) => `--${f}`).join(', ')} or --reset`,
      );
    }
    if (changes.kind && !(DOCUMENT_KINDS as readonly string[]).includes(changes.kind)) {
      throw new UsageError(`--kind must be one of ${DOCUMENT_KINDS.join(', ')}, got "${changes.kind}"`);
    }
    return withEngine({}, io, async (engine) => {
      const library = await engine.openLibrary(libraryFile);
      if (!library.setDocumentProfile(documentId, changes))
        throw new UsageError(`no document ${documentId} in ${libraryFile} (see kb docs)`);
      const doc = library.listDocuments().find((d) => d.id === documentId)!;
      io.stdout(values.json ? `${JSON.stringify(doc)}\n` : `#${doc.id} ${doc.path}\n      ${profileLine(doc)}\n`);
      return ExitCode.ok;
    });
  },
});

export const docsCommand = defineCommand({
  name: 'docs',
  synopsis: '  kb docs --library <file> [--json]',
  options: { library: LIBRARY, json: JSON_OUTPUT },
  subcommands: [docsSetCommand],
  async run(args, values, io) {
    const libraryFile = requireLibrary(values);
    if (args.length) throw new UsageError(`unknown kb docs argument "${args[0]}" (kb docs, or kb docs set <id> …)`);
    return withEngine({}, io, async (engine) => {
      const library = await engine.openLibrary(libraryFile);
      const documents = library.listDocuments();
      if (values.json) {
        io.stdout(
          `${JSON.stringify({ stats: library.stats(), semanticSearch: library.semanticStatus(), documents })}\n`,
        );
        return ExitCode.ok;
      }
      for (const doc of documents) {
        const detail =
          doc.status === 'failed'
            ? `  — ${doc.error}`
            : `  ${doc.chunkCount} chunks${doc.pageCount ? `, ${doc.pageCount} pages` : ''}`;
        io.stdout(
          `#${String(doc.id).padEnd(4)} ${doc.status.padEnd(8)} ${(doc.type ?? '?').padEnd(8)} ${doc.path}${detail}\n`,
        );
        if (doc.status === 'indexed') io.stdout(`      ${profileLine(doc)}\n`);
      }
      const stats = library.stats();
      io.stdout(
        `${stats.documents} documents (${stats.indexed} indexed, ${stats.failed} failed), ${stats.chunks} chunks.\n` +
          `${library.semanticStatus().message}\n`,
      );
      return ExitCode.ok;
    });
  },
});
