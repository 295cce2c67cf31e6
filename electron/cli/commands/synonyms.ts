import { defineCommand } from '../CliCommand.ts';
import { ExitCode } from '../exitCodeFor.ts';
import { loadEngine } from '../loadEngine.ts';
import { JSON_OUTPUT, LIBRARY, positiveInteger, requireLibrary } from '../sharedOptions.ts';
import { UsageError } from '../UsageError.ts';
import { withEngine } from '../withEngine.ts';

// A thesaurus phrase is what a person types or a wording of the documents, not a sentence.
const MAX_PHRASE_CHARACTERS = 60;

const listCommand = defineCommand({
  name: 'list',
  synopsis:
    "  kb synonyms list --library <file> [--json] [--builtin]        the library's own thesaurus (and the built-in one)",
  options: {
    library: LIBRARY,
    json: JSON_OUTPUT,
    builtin: { type: 'boolean', help: 'the built-in entries too' },
  },
  async run(_args, values, io) {
    const libraryFile = requireLibrary(values);
    return withEngine({}, io, async (engine) => {
      const library = await engine.openLibrary(libraryFile);
      const info = library.thesaurusInfo();
      const { Thesaurus } = await loadEngine();
      if (values.json) {
        io.stdout(`${JSON.stringify(values.builtin ? { ...info, builtin: Thesaurus.builtinEntries() } : info)}\n`);
        return ExitCode.ok;
      }
      io.stdout(
        `thesaurus ${info.version}: ${info.builtinEntries} built-in entries, ${info.own.length} of this library's own\n`,
      );
      for (const entry of info.own) io.stdout(`  #${entry.id}  ${entry.ask} → ${entry.means.join(' / ')}\n`);
      if (values.builtin) {
        for (const entry of Thesaurus.builtinEntries()) {
          io.stdout(`  [${entry.family}] ${entry.ask.join(' / ')} → ${entry.means.join(' / ')}\n`);
        }
      }
      return ExitCode.ok;
    });
  },
});

const addCommand = defineCommand({
  name: 'add',
  synopsis: '  kb synonyms add "<what people type>" "<the documents\' wording>" [… more wordings] --library <file>',
  options: { library: LIBRARY },
  async run(args, values, io) {
    const libraryFile = requireLibrary(values);
    return withEngine({}, io, async (engine) => {
      const library = await engine.openLibrary(libraryFile);
      const [ask, ...means] = args.map((r) => r.trim());
      if (!ask || means.length === 0 || means.some((m) => !m)) {
        throw new UsageError('kb synonyms add needs what people type and at least one wording of the documents');
      }
      if ([ask, ...means].some((phrase) => phrase.length > MAX_PHRASE_CHARACTERS)) {
        throw new UsageError(`a thesaurus phrase is at most ${MAX_PHRASE_CHARACTERS} characters`);
      }
      const id = library.addSynonym(ask, means);
      io.stdout(`#${id}  ${ask} → ${means.join(' / ')}  (thesaurus ${library.thesaurusVersion})\n`);
      return ExitCode.ok;
    });
  },
});

const removeCommand = defineCommand({
  name: 'remove',
  synopsis: '  kb synonyms remove <id> --library <file>',
  options: { library: LIBRARY },
  async run(args, values, io) {
    const libraryFile = requireLibrary(values);
    return withEngine({}, io, async (engine) => {
      const library = await engine.openLibrary(libraryFile);
      if (args.length !== 1) throw new UsageError('kb synonyms remove needs one entry id (see kb synonyms list)');
      const id = positiveInteger(args[0], 'entry id', 0);
      if (!library.removeSynonym(id))
        throw new UsageError(`no thesaurus entry ${id} in ${libraryFile} (see kb synonyms list)`);
      io.stdout(`removed #${id}  (thesaurus ${library.thesaurusVersion})\n`);
      return ExitCode.ok;
    });
  },
});

export const synonymsCommand = defineCommand({
  name: 'synonyms',
  synopsis: '',
  options: { library: LIBRARY },
  subcommands: [listCommand, addCommand, removeCommand],
  async run(_args, values, io) {
    const libraryFile = requireLibrary(values);
    // The library first: a missing or damaged one is reported before the missing action, as kb always did.
    return withEngine({}, io, async (engine) => {
      await engine.openLibrary(libraryFile);
      throw new UsageError('kb synonyms list | add "<phrase>" "<wording>"… | remove <id>');
    });
  },
});
