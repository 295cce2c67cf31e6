import { writeFileSync } from 'node:fs';
import { defineCommand } from '../CliCommand.ts';
import { ExitCode } from '../exitCodeFor.ts';
import { loadEngine } from '../loadEngine.ts';
import { CONVERSATION, LIBRARY, optionalInteger, requireLibrary } from '../sharedOptions.ts';
import { UsageError } from '../UsageError.ts';
import { withEngine } from '../withEngine.ts';

export const exportCommand = defineCommand({
  name: 'export',
  synopsis:
    '  kb export --library <file> --format md [--conversation N] [--output <file.md>]   (default: the latest conversation)',
  options: {
    library: LIBRARY,
    format: { type: 'string', value: 'md', help: 'a Markdown working paper (the one format, and the default)' },
    conversation: { ...CONVERSATION, help: `${CONVERSATION.help} (default: the latest)` },
    output: { type: 'string', value: '<file.md>', help: 'write it to this file (default: stdout)' },
  },
  async run(_args, values, io) {
    const libraryFile = requireLibrary(values);
    if ((values.format ?? 'md') !== 'md') throw new UsageError(`--format must be md, got "${values.format}"`);
    const requested = optionalInteger(values.conversation, 'conversation');
    return withEngine({}, io, async (engine) => {
      const library = await engine.openLibrary(libraryFile);
      const conversationId = requested ?? library.conversations().at(-1)?.id;
      if (conversationId === undefined)
        throw new UsageError(`no conversation to export in ${libraryFile}: ask a question first`);
      const entries = library.history(conversationId);
      if (entries.length === 0) throw new UsageError(`no conversation ${conversationId} in ${libraryFile}`);
      const { formatConversationMarkdown } = await loadEngine();
      const markdown = formatConversationMarkdown(libraryFile, entries, new Date().toISOString());
      if (values.output) {
        writeFileSync(values.output, markdown);
        io.stderr(`wrote ${values.output}\n`);
      } else {
        io.stdout(markdown);
      }
      return ExitCode.ok;
    });
  },
});
