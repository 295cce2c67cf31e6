// The contract written once: DTOs that cross process boundaries (engine ⇄ main ⇄ renderer ⇄ web bridge).
// Plain data only: no classes, no Node or DOM types.

export type DocumentStatus = 'pending' | 'indexed' | 'failed' | 'removed';

/** The formats the engine reads; .et (WPS) is read as 'xls', a .wps saved in Word's format as 'doc'. */
export type DocumentType =
  'pdf' | 'docx' | 'doc' | 'markdown' | 'text' | 'html' | 'csv' | 'xlsx' | 'xls' | 'ods' | 'pptx' | 'ofd';

/**
 * What a document is: for a standard, its number and year; its title; its kind; the sector and region it is written
 * for. Read from the document's cover page at indexing; the user can correct any field.
 */
export type DocumentKind =
  'requirements' | 'evaluation' | 'evaluation-process' | 'design' | 'grading' | 'guidance' | 'law' | 'other';
export const DOCUMENT_KINDS = [
  'requirements',
  'evaluation',
  'evaluation-process',
  'design',
  'grading',
  'guidance',
  'law',
  'other',
] as const satisfies readonly DocumentKind[];

export interface DocumentProfile {
  /** The standard's (or official document's) number with its year: 'GB/T 22239-2019', 'NIST SP 800-53 Rev. 5', '公网安〔2025〕1846号'. */
  standard: string | null;
  /** The document's own title ('信息安全技术 网络安全等级保护基本要求'), not its first heading. */
  title: string | null;
  /** The year of its version ('2019'; a law: the year it was adopted or last amended), or null. */
  year: string | null;
  kind: DocumentKind;
  /** The sector it is written for ('finance', 'securities', …); null for general standards. */
  sector: string | null;
  /** The region it applies to ('上海'); null when national. */
  region: string | null;
}

export interface DocumentInfo {
  id: number;
  /** Absolute path of the file on the machine that ingested it. */
  path: string;
  type: DocumentType | null;
  title: string | null;
  sizeBytes: number;
  /** sha256 of the file's bytes, hex. */
  contentHash: string | null;
  status: DocumentStatus;
  /** For failed documents: FailedFile's stable code (corrupt, encrypted, …), for a face to word (see `failureCode`). */
  errorCode: string | null;
  /** For failed documents: the reason, written for a person (in English). */
  error: string | null;
  chunkCount: number;
  pageCount: number | null;
  encoding: string | null;
  /** ISO 8601 time of the last successful indexing. */
  indexedAt: string | null;
  /** What the document is (detected, with the user's corrections applied). */
  profile: DocumentProfile;
  /** Fields of `profile` the user set by hand (kept when the document is indexed again). */
  profileEdited: (keyof DocumentProfile)[];
}

/** Another copy of the same clause of the same standard (its PDF, DOCX or Markdown), cited once with these listed. */
export interface PassageCopy {
  chunkId: number;
  documentId: number;
  documentPath: string;
  documentTitle: string | null;
  pageStart: number | null;
  pageEnd: number | null;
  charStart: number;
  charEnd: number;
}

export interface SearchHit {
  chunkId: number;
  documentId: number;
  documentPath: string;
  documentTitle: string | null;
  /** Heading path from the document root, e.g. ['8 第三级安全要求', '8.1.4 安全计算环境', '8.1.4.1 身份鉴别']. */
  headingPath: string[];
  pageStart: number | null;
  pageEnd: number | null;
  /** [start, end) character offsets in the document's extracted text. */
  charStart: number;
  charEnd: number;
  text: string;
  /** Higher is better. For lexical search: -bm25. */
  score: number;
  /** Query terms that matched this passage (for highlighting). */
  matchedTerms: string[];
  /** The standard (or official document) the passage is from: 'GB/T 22239-2019'; null for other documents. */
  standard: string | null;
  /** What kind of document it is from. */
  documentKind: DocumentKind;
  /** The protection level whose chapter holds it (第三级 → 3), or null. */
  level: number | null;
  /** Share (0..1) of the question's content the passage holds, rare words weighing more (1 for a direct look-up). */
  coverage: number;
  /** True when found by the clause number, test-unit code or control id the question names (8.1.4.1, L3-CES1-04, AC-7). */
  reference: boolean;
  /** Other copies of this clause in the library (the same standard as PDF, DOCX, Markdown). */
  alsoIn: PassageCopy[];
}

export type SkipReason =
  'hidden' | 'office-lock-file' | 'symlink-loop' | 'too-large' | 'unsupported-extension' | 'unreadable';

export interface SkippedFile {
  path: string;
  reason: SkipReason;
  /** For a person: why the file was not read. */
  detail: string;
}

export interface FailedFile {
  path: string;
  /** Stable code: corrupt, encrypted, empty, no-text-layer, unsupported, too-large, unreadable, internal. */
  code: string;
  /** For a person: what went wrong and what to do. */
  reason: string;
}

export interface IngestSummary {
  filesSeen: number;
  indexed: number;
  unchanged: number;
  skipped: SkippedFile[];
  failed: FailedFile[];
  /** Documents removed because their file no longer exists under an ingested folder. */
  removed: number;
  chunksWritten: number;
  /** Chunks embedded for semantic search in this run (0 when the library has no embedding model). */
  chunksEmbedded: number;
  bytesRead: number;
  elapsedMs: number;
  cancelled: boolean;
}

export interface IngestProgress {
  filesDone: number;
  filesTotal: number;
  currentFile: string | null;
  bytesDone: number;
  bytesTotal: number;
  /** Files per second since the start. */
  filesPerSecond: number;
  /** Estimated milliseconds left, null until it can be estimated. */
  etaMs: number | null;
}

export interface LibraryStats {
  documents: number;
  indexed: number;
  failed: number;
  chunks: number;
  schemaVersion: number;
}

/** Whether semantic (vector) search is available, and if not, why and how to turn it on. */
export interface SemanticSearchStatus {
  state: 'on' | 'off' | 'error';
  modelId: string | null;
  modelPath: string | null;
  dimension: number | null;
  embeddedChunks: number;
  /** For a person: what is going on and what to do. */
  message: string;
}

export interface EmbeddingProgress {
  embedded: number;
  total: number;
  chunksPerSecond: number;
}

export type AnswerMode = 'exact' | 'generate';

/** One cited passage: where it is and its exact words. */
export interface Citation {
  /** The [n] marker in the answer, from 1. */
  n: number;
  documentId: number;
  documentPath: string;
  documentTitle: string | null;
  headingPath: string[];
  /** First page of the passage (null for formats without pages). */
  page: number | null;
  pageEnd: number | null;
  /** [start, end) in the document's extracted text. */
  charStart: number;
  charEnd: number;
  /** The passage, verbatim. */
  quote: string;
  /** The stored chunks the passage was assembled from (neighbours of one clause are merged). */
  chunkIds: number[];
  /** The standard quoted ('GB/T 22239-2019'), or null for documents that are not one. */
  standard: string | null;
  /** The protection level whose chapter holds the passage, or null. */
  level: number | null;
  /** Other copies of the same clause in the library (the standard's DOCX or Markdown besides its PDF). */
  alsoIn: PassageCopy[];
}

/** How two levels' requirements of one control point differ (a comparison question: 二级和三级…区别). */
export interface LevelComparison {
  /** The control point compared ('身份鉴别'). */
  controlPoint: string;
  /** The lower and the higher level. */
  levels: [number, number];
  /** Citation numbers of the lower and the higher level's clause. */
  citations: [number, number];
  /** Items of the higher level with nothing like them at the lower level ('d）应采用…'). */
  added: string[];
  /** Items of the higher level that reword one of the lower level (the higher level's wording). */
  changed: string[];
  /** Items of the lower level that the higher level no longer has. */
  removed: string[];
}

export interface AnswerEvidence {
  /** Share (0..1) of the question's content, weighted by rarity (idf), found in the best passage. */
  coverage: number;
  /** Coverage from which the answer is given as sure. */
  threshold: number;
  /** Coverage from which the closest passages are offered as possibly related (status 'related'). */
  relatedThreshold: number;
  /** Levels (等级) the question names, e.g. [3] or [2, 3]. */
  levels: number[];
  /** The question's content words (and known phrases) that no document of the library holds, in any wording. */
  missingTerms: string[];
  /** What the question was taken to be about: its content words and the other wordings searched for them. */
  concepts: { label: string; expansions: string[] }[];
  /** The thesaurus in force ('2026.12.1', with '+user:…' when the library has its own entries). */
  thesaurusVersion: string;
}

/** Why generation stopped: the model finished, hit a stop string, reached the token cap, or was cancelled. */
export type StopReason = 'eos' | 'stopString' | 'maxTokens' | 'abort';

/** How a generated answer came about (mode 'generate'). */
export interface GenerationReport {
  /** The model that wrote the answer, e.g. 'chatglm3-6b.Q4_0.gguf (chatglm, Q4_0)'. */
  model: string;
  stopReason: StopReason;
  /** Tokens of the prompt (instructions, passages, question) in the model's own tokenizer. */
  promptTokens: number;
  /** Tokens the model wrote. */
  tokens: number;
  /** Time to the first token (prompt processing), ms; null when none came. */
  firstTokenMs: number | null;
  totalMs: number;
  /** Passages given to the model, numbered 1..n in the prompt. */
  passagesGiven: number;
  /** Retrieved passages left out so that the prompt fits the context (the lowest-ranked go first). */
  passagesDropped: number;
  /** Whether the last passage given was cut short to fit. */
  passageTrimmed: boolean;
  /** [n] numbers the model wrote that match no passage given; removed from the answer. */
  droppedCitations: number[];
  /** Answer sentences that share too little text with every passage given: possibly not from the library. */
  unsupportedSentences: string[];
  /** Sentences whose [n] markers were added or corrected from their text overlap with the passages. */
  repairedSentences: number;
  /** Share (0..1) of a sentence's character bigrams a passage must hold for the sentence to count as drawn from it. */
  supportThreshold: number;
  /** The model's text as it wrote it, before citations were checked (for the audit trail). */
  rawText: string;
}

export type AnswerStatus = 'answered' | 'related' | 'not_found';

export interface Answer {
  question: string;
  mode: AnswerMode;
  /**
   * answered: the cited passages answer the question. related: they may (the library holds some of what is asked:
   * shown as "可能相关的条款", clearly labelled). not_found: the library does not answer it (why: `explanation`).
   */
  status: AnswerStatus;
  /** The answer text with [n] markers; for exact mode the cited passages themselves. Empty when not_found. */
  answer: string;
  citations: Citation[];
  /**
   * Why there is no sure answer, for a person (not_found, related; for a cancelled or capped generated answer: that
   * it is partial).
   */
  explanation: string | null;
  /** What the answer was scoped to when the question did not say (the level, the general standard), for a person. */
  notes: string[];
  /** For a question comparing two levels: the aligned clauses and their differences. */
  comparison?: LevelComparison;
  evidence: AnswerEvidence;
  /** For mode 'generate' when the model was asked. */
  generation?: GenerationReport;
}

export interface HistoryEntry {
  conversationId: number;
  messageId: number;
  question: string;
  answer: Answer;
  /** ISO 8601. */
  askedAt: string;
  /** Settings in force (mode, retrieval, thresholds, engine version). */
  settings: Record<string, string | number | boolean | null>;
}

/** A thesaurus entry of the library's own: a question holding `ask` is also searched for each of `means`. */
export interface SynonymEntry {
  id: number;
  ask: string;
  means: string[];
  /** ISO 8601. */
  addedAt: string;
}

/** The thesaurus in force: the built-in one (its version and size) and the library's own entries. */
export interface ThesaurusInfo {
  /** Recorded with every answer: '2026.12.2', with '+user:n:digest' when the library has its own entries. */
  version: string;
  builtinEntries: number;
  own: SynonymEntry[];
}

/** Corrections to a document's profile: a value sets the field ('' = none), null returns it to the detected one. */
export type DocumentProfileChanges = Partial<Record<keyof DocumentProfile, string | null>>;
