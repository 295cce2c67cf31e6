import type { Answer, Citation, HistoryEntry } from '../../../shared/types.ts';

function pages(citation: Citation): string {
  if (citation.page === null) return '';
  return citation.pageEnd !== null && citation.pageEnd !== citation.page ? `, pp. ${citation.page}–${citation.pageEnd}` : `, p. ${citation.page}`;
}

function fileName(filePath: string): string {
  return filePath.split(/[\\/]/).pop() ?? filePath;
}

/** An answer for a terminal: the answer text, then numbered sources. */
export function formatAnswerText(answer: Answer): string {
  if (answer.status === 'not_found') return `未找到 Not found: ${answer.explanation ?? ''}\n`;
  const sources = answer.citations.map((c) => `[${c.n}] ${fileName(c.documentPath)} — ${c.headingPath.join(' › ') || '(no heading)'}${pages(c)}`);
  return `${answer.answer}\n\nSources:\n${sources.join('\n')}\n`;
}

function quoteBlock(text: string): string {
  return text.split('\n').map((line) => `> ${line}`).join('\n');
}

/**
 * A conversation as a Markdown working paper: each question with the answer given, when, how, and every cited
 * passage quoted with its document, clause and page.
 */
export function formatConversationMarkdown(libraryFile: string, entries: HistoryEntry[], exportedAt: string): string {
  const first = entries[0];
  const lines = [
    `# 问答记录 Q&A record${first ? ` — ${first.question}` : ''}`,
    '',
    `- Library: \`${libraryFile}\``,
    first ? `- Conversation: ${first.conversationId}` : '- Conversation: (none)',
    `- Exported: ${exportedAt}`,
    '',
  ];
  entries.forEach((entry, index) => {
    const { answer } = entry;
    lines.push(`## Q${index + 1}. ${entry.question}`, '');
    lines.push(`- Asked: ${entry.askedAt}`, `- Mode: ${answer.mode}; status: ${answer.status}; settings: \`${JSON.stringify(entry.settings)}\``, '');
    if (answer.status === 'not_found') {
      lines.push(`**未找到 Not found.** ${answer.explanation ?? ''}`, '');
      return;
    }
    lines.push(answer.answer, '', '### Sources', '');
    for (const c of answer.citations) {
      lines.push(`**[${c.n}]** \`${c.documentPath}\` — ${c.headingPath.join(' › ') || '(no heading)'}${pages(c)} (characters ${c.charStart}–${c.charEnd})`, '');
      lines.push(quoteBlock(c.quote), '');
    }
  });
  return `${lines.join('\n').trimEnd()}\n`;
}
