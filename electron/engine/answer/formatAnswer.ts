import type { Answer, Citation, HistoryEntry } from '../../../shared/types.ts';
import { markdownBlockquote, markdownCodeSpan, markdownInline, markdownLines } from './markdownText.ts';

function pages(citation: Citation): string {
  if (citation.page === null) return '';
  return citation.pageEnd !== null && citation.pageEnd !== citation.page
    ? `, pp. ${citation.page}–${citation.pageEnd}`
    : `, p. ${citation.page}`;
}

function fileName(filePath: string): string {
  return filePath.split(/[\\/]/).pop() ?? filePath;
}

const chinese = (answer: Answer): boolean => /\p{Script=Han}/u.test(answer.question);

function zhPages(citation: Citation): string {
  if (citation.page === null) return '';
  return citation.pageEnd !== null && citation.pageEnd !== citation.page
    ? `，第 ${citation.page}–${citation.pageEnd} 页`
    : `，第 ${citation.page} 页`;
}

/** An answer for a terminal, in the question's language: notes, the answer text, then numbered sources. */
export function formatAnswerText(answer: Answer): string {
  const zh = chinese(answer);
  if (answer.status === 'not_found') return `${zh ? '未找到' : 'Not found'}: ${answer.explanation ?? ''}\n`;
  const sources = answer.citations.map((c) => {
    const source = c.standard ? `${c.standard} (${fileName(c.documentPath)})` : fileName(c.documentPath);
    const also = c.alsoIn.length
      ? `${zh ? '；另见 ' : '; also in '}${c.alsoIn.map((copy) => fileName(copy.documentPath)).join(zh ? '、' : ', ')}`
      : '';
    return `[${c.n}] ${source} — ${c.headingPath.join(' › ') || (zh ? '（无标题）' : '(no heading)')}${zh ? zhPages(c) : pages(c)}${also}`;
  });
  const notes = answer.notes.length ? `${answer.notes.join('\n')}\n\n` : '';
  const why = answer.status === 'related' && answer.explanation ? `\n\n${answer.explanation}` : '';
  return `${notes}${answer.answer}${why}\n\n${zh ? '来源' : 'Sources'}:\n${sources.join('\n')}\n`;
}

/**
 * A conversation as a Markdown working paper: each question with the answer given, when, how, and every cited
 * passage quoted with its document, clause and page. What came from documents or from the person asking is escaped
 * (markdownText.ts): the headings and the numbered source entries are only the ones written here.
 */
export function formatConversationMarkdown(libraryFile: string, entries: HistoryEntry[], exportedAt: string): string {
  const first = entries[0];
  const lines = [
    `# 问答记录 Q&A record${first ? ` — ${markdownInline(first.question)}` : ''}`,
    '',
    `- Library: ${markdownCodeSpan(libraryFile)}`,
    first ? `- Conversation: ${first.conversationId}` : '- Conversation: (none)',
    `- Exported: ${exportedAt}`,
    '',
  ];
  entries.forEach((entry, index) => {
    const { answer } = entry;
    lines.push(`## Q${index + 1}. ${markdownInline(entry.question)}`, '');
    lines.push(
      `- Asked: ${entry.askedAt}`,
      `- Mode: ${answer.mode}; status: ${answer.status}; settings: ${markdownCodeSpan(JSON.stringify(entry.settings))}`,
      '',
    );
    if (answer.status === 'not_found') {
      lines.push(`**未找到 Not found.** ${markdownInline(answer.explanation ?? '')}`, '');
      return;
    }
    lines.push(...markdownLines(answer.answer), '', '### Sources', '');
    for (const c of answer.citations) {
      const source = `${c.standard ? `${markdownInline(c.standard)} ` : ''}${markdownCodeSpan(c.documentPath)}`;
      lines.push(
        `**[${c.n}]** ${source} — ${markdownInline(c.headingPath.join(' › ')) || '(no heading)'}${pages(c)} (characters ${c.charStart}–${c.charEnd})`,
        '',
      );
      lines.push(markdownBlockquote(c.quote), '');
    }
  });
  return `${lines.join('\n').trimEnd()}\n`;
}
