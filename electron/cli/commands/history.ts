import { defineCommand } from '../CliCommand.ts';
import { ExitCode } from '../exitCodeFor.ts';
import { CONVERSATION, JSON_OUTPUT, LIBRARY, optionalInteger, requireLibrary } from '../sharedOptions.ts';
import { withEngine } from '../withEngine.ts';

export const historyCommand = defineCommand({
  name: 'history',
  synopsis: '  kb history --library <file> [--conversation N] [--json]',
  options: { library: LIBRARY, conversation: CONVERSATION, json: JSON_OUTPUT },
  async run(_args, values, io) {
    const libraryFile = requireLibrary(values);
    const conversation = optionalInteger(values.conversation, 'conversation') ?? null;
    return withEngine({}, io, async (engine) => {
      const entries = (await engine.openLibrary(libraryFile)).history(conversation);
      if (values.json) {
        io.stdout(`${JSON.stringify(entries)}\n`);
        return ExitCode.ok;
      }
      if (entries.length === 0) io.stdout('No questions asked yet.\n');
      for (const entry of entries) {
        const cited = entry.answer.citations
          .map((c) => `[${c.n}] ${c.headingPath.at(-1) ?? c.documentPath}`)
          .join('; ');
        const asked = `${entry.askedAt}  #${entry.conversationId}  ${entry.answer.status.padEnd(9)} ${entry.question}`;
        io.stdout(`${asked}${cited ? `\n    ${cited}` : ''}\n`);
      }
      return ExitCode.ok;
    });
  },
});
