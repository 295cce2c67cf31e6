import type Database from 'better-sqlite3';
import type { Answer, HistoryEntry } from '../../../shared/types.ts';

export type AnswerSettings = HistoryEntry['settings'];

export interface ConversationInfo {
  id: number;
  title: string;
  createdAt: string;
  questions: number;
}

interface MessageRow {
  conversation_id: number;
  id: number;
  content: string;
  settings: string;
  answer_json: string;
  created_at: string;
}

/**
 * The audit trail in a library: every question, the answer given, the settings in force and each cited passage,
 * copied verbatim. Written in one transaction per answer; never updated afterwards.
 */
export class AuditTrail {
  readonly #db: Database.Database;
  readonly #statements;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#statements = {
      newConversation: db.prepare<[string, string], { id: number }>(
        'INSERT INTO conversations (title, created_at) VALUES (?, ?) RETURNING id',
      ),
      conversationExists: db.prepare<[number], { id: number }>('SELECT id FROM conversations WHERE id = ?'),
      insertMessage: db.prepare<unknown[], { id: number }>(`
        INSERT INTO messages (conversation_id, role, content, mode, status, settings, answer_json, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
      insertCitation: db.prepare(`
        INSERT INTO message_citations (message_id, n, chunk_ids, document_path, heading_path, page_start, page_end,
                                       char_start, char_end, quote)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      conversations: db.prepare<[], { id: number; title: string; created_at: string; questions: number }>(`
        SELECT c.id, c.title, c.created_at, (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.role = 'user') AS questions
        FROM conversations c ORDER BY c.id`),
      answers: db.prepare<[{ conversation: number | null; limit: number | null }], MessageRow>(`
        SELECT a.conversation_id, a.id, q.content, a.settings, a.answer_json, a.created_at
        FROM messages a JOIN messages q ON q.id = a.id - 1 AND q.role = 'user' -- written together by record()
        WHERE a.role = 'assistant' AND (@conversation IS NULL OR a.conversation_id = @conversation)
        ORDER BY a.id LIMIT coalesce(@limit, -1)`),
    };
  }

  startConversation(title: string): number {
    return this.#statements.newConversation.get(title.slice(0, 200), new Date().toISOString())!.id;
  }

  hasConversation(id: number): boolean {
    return this.#statements.conversationExists.get(id) !== undefined;
  }

  /** Stores a question and its answer with citations; returns the answer's message id. */
  record(conversationId: number, answer: Answer, settings: AnswerSettings): number {
    return this.#db.transaction(() => {
      const now = new Date().toISOString();
      this.#statements.insertMessage.get(conversationId, 'user', answer.question, null, null, null, null, now);
      const { id } = this.#statements.insertMessage.get(
        conversationId,
        'assistant',
        answer.answer,
        answer.mode,
        answer.status,
        JSON.stringify(settings),
        JSON.stringify(answer),
        now,
      )!;
      for (const c of answer.citations) {
        this.#statements.insertCitation.run(
          id,
          c.n,
          JSON.stringify(c.chunkIds),
          c.documentPath,
          JSON.stringify(c.headingPath),
          c.page,
          c.pageEnd,
          c.charStart,
          c.charEnd,
          c.quote,
        );
      }
      return id;
    })();
  }

  conversations(): ConversationInfo[] {
    return this.#statements.conversations
      .all()
      .map((row) => ({ id: row.id, title: row.title, createdAt: row.created_at, questions: row.questions }));
  }

  /** Answers in the order given, of one conversation or of all. */
  history(conversationId: number | null = null, limit: number | null = null): HistoryEntry[] {
    return this.#statements.answers.all({ conversation: conversationId, limit }).map((row) => ({
      conversationId: row.conversation_id,
      messageId: row.id,
      question: row.content,
      answer: JSON.parse(row.answer_json) as Answer,
      askedAt: row.created_at,
      settings: JSON.parse(row.settings) as AnswerSettings,
    }));
  }
}
