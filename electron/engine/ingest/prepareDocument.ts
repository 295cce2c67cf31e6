// The CPU-heavy part of indexing one file, from its bytes to what the store writes: parse, normalise and structure,
// chunk (counting tokens), read its profile, segment each chunk for the full-text index. Pure: no database, no
// embedding. Ingestion runs it in a parse worker (ParsePool) or, with no pool, on its own thread; both call this
// one function, so a document is prepared the same way wherever it runs.
import path from 'node:path';
import type { DocumentProfile } from '../../../shared/types.ts';
import { chunkDocument, type Chunk } from '../chunk/chunkDocument.ts';
import { structureDocument } from '../chunk/structureDocument.ts';
import type { TokenCounter } from '../chunk/WordPieceTokenCounter.ts';
import { detectDocumentProfile } from '../documents/detectDocumentProfile.ts';
import { parseSource } from '../parse/parseSource.ts';
import { ParseError, type DocumentType } from '../parse/types.ts';
import type { ChineseSegmenter } from '../search/ChineseSegmenter.ts';

/** One document made ready to be written: everything `LibraryStore.writeIndexedDocument` needs but the file's stat. */
export interface PreparedDocument {
  type: DocumentType;
  /** The title the format carries (PDF info, DOCX core properties, …), or null. */
  formatTitle: string | null;
  profile: DocumentProfile;
  pageCount: number | null;
  encoding: string | null;
  /** The normalised text the chunks' character ranges point into. */
  text: string;
  chunks: Chunk[];
  /** One row per chunk, in order: its heading path and text as segmented words for FTS5. */
  ftsRows: { heading: string; body: string }[];
}

export interface PrepareOptions {
  /** Largest chunk in tokens. Defaults to `DEFAULT_MAX_CHUNK_TOKENS`. */
  maxChunkTokens?: number;
  /** Refuse ZIP-based documents (.docx, .xlsx, .ods, .pptx, .ofd) whose XML inflates beyond this, and larger .xls files. Defaults to the parsers' own limit. */
  maxDecompressedBytes?: number;
}

/** Prepares one file's bytes. Throws ParseError (with its code) when the file cannot be indexed. */
export async function prepareDocument(
  bytes: Uint8Array,
  filePath: string,
  tools: { tokenCounter: TokenCounter; segmenter: ChineseSegmenter },
  options: PrepareOptions = {},
): Promise<PreparedDocument> {
  const parsed = await parseSource(bytes, filePath, { maxDecompressedBytes: options.maxDecompressedBytes });
  const structured = structureDocument(parsed);
  const chunks = chunkDocument(structured, tools.tokenCounter, { maxTokens: options.maxChunkTokens });
  if (chunks.length === 0) {
    throw new ParseError('empty', 'no text to index: the file holds headings or markup only');
  }
  const formatTitle = parsed.title ?? null;
  return {
    type: parsed.type,
    formatTitle,
    profile: detectDocumentProfile({ text: structured.text, formatTitle, fileName: path.basename(filePath) }),
    pageCount: parsed.pageCount ?? null,
    encoding: parsed.encoding ?? null,
    text: structured.text,
    chunks,
    ftsRows: chunks.map((chunk) => ({
      heading: tools.segmenter.indexTokens(chunk.headingPath.join(' ')).join(' '),
      body: tools.segmenter.indexTokens(chunk.text).join(' '),
    })),
  };
}
