import type { QaItem } from '../../engine/index.ts';
import { defineCommand } from '../CliCommand.ts';
import { ExitCode } from '../exitCodeFor.ts';
import { loadEngine } from '../loadEngine.ts';
import { readJsonLines } from '../readJsonLines.ts';
import { JSON_OUTPUT, K, LIBRARY, positiveInteger, requireLibrary } from '../sharedOptions.ts';
import { UsageError } from '../UsageError.ts';
import { withEngine } from '../withEngine.ts';

/** A QA file in the format of ../shared/eval/qa_mlps_dev.jsonl; any bad line stops the evaluation. */
function readQaFile(file: string): QaItem[] {
  return readJsonLines(file, 'qa').map(({ text, line }) => {
    try {
      const item = JSON.parse(text) as QaItem;
      if (typeof item.question !== 'string') throw new Error('no question');
      return { ...item, id: String(item.id ?? line) };
    } catch {
      throw new UsageError(`--qa file ${file}, line ${line}: expected {"id","question","evidence_parts":[…]}`);
    }
  });
}

export const evalCommand = defineCommand({
  name: 'eval',
  synopsis: '  kb eval --library <file> --qa <qa.jsonl> [--k 10] [--json]',
  options: {
    library: LIBRARY,
    qa: {
      type: 'string',
      value: '<qa.jsonl>',
      help: 'questions with their evidence, one {"id","question","evidence_parts":[…]} per line',
    },
    k: { ...K, help: 'passages searched per question, for MRR (default: 10)' },
    json: JSON_OUTPUT,
  },
  async run(_args, values, io) {
    const libraryFile = requireLibrary(values);
    if (!values.qa) throw new UsageError('missing --qa <qa.jsonl>');
    const items = readQaFile(values.qa);
    const k = positiveInteger(values.k, 'k', 10);
    return withEngine({}, io, async (engine) => {
      const library = await engine.openLibrary(libraryFile);
      // Loaded when run: evidence matching loads jieba's dictionary, which --help and a refused option do without.
      const { evaluateRetrieval, evaluateAnswers } = await loadEngine();
      const retrieval = await evaluateRetrieval(
        items,
        async (question, limit) => await library.search(question, { k: limit }),
        k,
      );
      const answers = await evaluateAnswers(
        items,
        async (question) => (await library.ask(question, { record: false })).answer,
      );
      if (values.json) {
        io.stdout(`${JSON.stringify({ retrieval, answers })}\n`);
        return ExitCode.ok;
      }
      const verdict = (r: (typeof answers.items)[number]): string =>
        r.answerable
          ? r.citesEvidence
            ? 'cites evidence'
            : r.status === 'not_found'
              ? 'MISSED (not_found)'
              : 'MISSES evidence'
          : r.status === 'not_found'
            ? 'correctly not_found'
            : 'WRONGLY answered';
      const out = [
        `Retrieval (${retrieval.questions} answerable questions): ` +
          `recall@1 ${retrieval.recallAt1}  recall@5 ${retrieval.recallAt5}  MRR@${k} ${retrieval.mrr}`,
        ...Object.entries(retrieval.byType).map(
          ([type, f]) =>
            `  ${type.padEnd(18)} n=${f.questions}  recall@1 ${f.recallAt1}  recall@5 ${f.recallAt5}  MRR ${f.mrr}`,
        ),
        `Answers (exact mode, ${answers.questions} questions, ${answers.unanswerable} unanswerable): ` +
          `cite the evidence ${answers.answeredWithEvidence} (sure ${answers.sureWithEvidence}, offered as related ${answers.related})  ` +
          `unanswerable refused ${answers.notFoundRecall}  not-found precision ${answers.notFoundPrecision}`,
        '  type               n   correct  sure+evidence  refused (answerable) / refused (unanswerable)',
        ...Object.entries(answers.byType).map(
          ([type, f]) =>
            `  ${type.padEnd(18)} ${String(f.questions).padStart(3)}   ${`${f.correct}/${f.questions}`.padStart(7)}  ` +
            `${String(f.sureWithEvidence).padStart(13)}  ${String(f.refused).padStart(7)}`,
        ),
        ...answers.items.map((r) => `  ${r.id.padEnd(18)} ${r.status.padEnd(9)} ${verdict(r)}`),
        `Matching: ${retrieval.method}.`,
      ];
      io.stdout(`${out.join('\n')}\n`);
      return ExitCode.ok;
    });
  },
});
