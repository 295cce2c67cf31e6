import type { StructuredDocument, DocumentBlock } from './structureDocument.ts';
import type { TokenCounter } from './WordPieceTokenCounter.ts';

export interface ChunkOptions {
  /**
   * Largest chunk, in tokens of the embedding model's tokenizer. Defaults to `384`: bge-small-zh reads at most 512
   * tokens, and a chunk is embedded with its heading path in front (up to ~100 tokens) plus [CLS]/[SEP]. A whole MLPS
   * clause (8.1.4.1 with its items a–d is ~200 tokens) fits in one chunk, so list questions get the whole list.
   */
  maxTokens?: number;
}

export interface Chunk {
  /** 0-based position in the document. */
  ord: number;
  text: string;
  headingPath: string[];
  pageStart: number | null;
  pageEnd: number | null;
  charStart: number;
  charEnd: number;
  tokenCount: number;
}

export const DEFAULT_MAX_CHUNK_TOKENS = 384;

// Where a too-long block may be cut: after a Chinese or Latin sentence end.
const SENTENCE_END = /[。！？；!?;]|\.(?=\s)/g;

interface Piece {
  text: string;
  charStart: number;
  charEnd: number;
  pageStart: number | null;
  pageEnd: number | null;
  tokens: number;
}

/** Cuts one block that is over the limit at sentence ends, and a sentence that is still too long into windows. */
function splitOversizedBlock(block: DocumentBlock, counter: TokenCounter, maxTokens: number): Piece[] {
  const sentences: { start: number; end: number }[] = [];
  let start = 0;
  for (const match of block.text.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    sentences.push({ start, end });
    start = end;
  }
  if (start < block.text.length) sentences.push({ start, end: block.text.length });

  const pieces: Piece[] = [];
  const push = (from: number, to: number): void => {
    const text = block.text.slice(from, to);
    if (!text.trim()) return;
    pieces.push({
      text,
      charStart: block.charStart + from,
      charEnd: block.charStart + to,
      pageStart: block.pageStart,
      pageEnd: block.pageEnd,
      tokens: counter.count(text),
    });
  };
  for (const sentence of sentences) {
    const tokens = counter.count(block.text.slice(sentence.start, sentence.end));
    if (tokens <= maxTokens) {
      push(sentence.start, sentence.end);
      continue;
    }
    // No punctuation for too long (a line of megabytes): fixed windows, sized so each fits even at 1 char/token.
    for (let from = sentence.start; from < sentence.end; from += maxTokens) {
      push(from, Math.min(sentence.end, from + maxTokens));
    }
  }
  return pieces;
}

/**
 * Chunks a structured document by its structure: every heading starts a new chunk (so a clause is never mixed with
 * the next), blocks under one heading are packed in order up to `maxTokens`, and a block over the limit is cut at
 * sentence ends. A table's rows start and end chunks of their own: a few whole rows per passage (each row carries
 * its header), and the prose around a table is ranked and quoted as it reads without it. Each chunk records its heading path, page range and character range in the document text.
 */
export function chunkDocument(doc: StructuredDocument, counter: TokenCounter, options: ChunkOptions = {}): Chunk[] {
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_CHUNK_TOKENS;
  const chunks: Chunk[] = [];
  let current: Piece[] = [];
  let currentTokens = 0;
  let currentPath: string[] = [];
  let currentIsTable = false;

  const flush = (): void => {
    if (current.length === 0) return;
    const first = current[0]!;
    const last = current[current.length - 1]!;
    const pages = current
      .flatMap((piece) => [piece.pageStart, piece.pageEnd])
      .filter((page): page is number => page !== null);
    chunks.push({
      ord: chunks.length,
      // Pieces are contiguous blocks or parts of one block: the chunk text is exactly the document's text there.
      text: doc.text.slice(first.charStart, last.charEnd),
      headingPath: currentPath,
      pageStart: pages.length ? Math.min(...pages) : null,
      pageEnd: pages.length ? Math.max(...pages) : null,
      charStart: first.charStart,
      charEnd: last.charEnd,
      tokenCount: currentTokens,
    });
    current = [];
    currentTokens = 0;
  };

  for (const block of doc.blocks) {
    if (block.kind === 'heading') {
      flush();
      continue;
    }
    const isTable = block.tableRow === true;
    if (current.length > 0 && isTable !== currentIsTable) flush();
    if (current.length === 0) {
      currentPath = block.headingPath;
      currentIsTable = isTable;
    }
    const tokens = counter.count(block.text);
    const pieces: Piece[] =
      tokens <= maxTokens
        ? [
            {
              text: block.text,
              charStart: block.charStart,
              charEnd: block.charEnd,
              pageStart: block.pageStart,
              pageEnd: block.pageEnd,
              tokens,
            },
          ]
        : splitOversizedBlock(block, counter, maxTokens);
    for (const piece of pieces) {
      if (current.length > 0 && currentTokens + piece.tokens > maxTokens) flush();
      currentTokens += piece.tokens;
      current.push(piece);
    }
  }
  flush();
  return chunks;
}
