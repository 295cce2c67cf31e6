// Contract between the format parsers and the rest of the ingestion pipeline.
// Parsers extract lines and what the format itself says about them; everything that is
// format-independent (header/footer removal, line joining, heading detection by clause
// number, chunking) happens after, in one place.

import { KbError } from '../../../shared/errors.ts';
import type { DocumentType } from '../../../shared/types.ts';

/** Formats the engine can index (one name for it, defined with the DTOs). Detected from content first, extension second. */
export type { DocumentType };

/** One line of extracted text, in reading order. */
export interface SourceLine {
  /** The line's text, without a trailing newline. May be empty (a blank line). */
  text: string;
  /** 1-based page number, for paged formats (PDF). Undefined elsewhere. */
  page?: number;
  /** Set when the format marks this line as a heading: Markdown `#`, Word "Heading n", HTML `<hN>`. 1 = top level. */
  headingLevel?: number;
  /**
   * True when the source ends a paragraph after this line (blank line in text/Markdown, `</p>` in DOCX/HTML,
   * end of a CSV row). The normaliser never joins a line to the next across a paragraph end.
   */
  paragraphEnd?: boolean;
  /**
   * A row of a table (parse/tableLines.ts, CSV rows): a block of its own, never a heading and never joined to the
   * next line; a table's rows are chunked apart from the prose around them.
   */
  tableRow?: boolean;
}

export interface ParsedSource {
  type: DocumentType;
  lines: SourceLine[];
  /** Document title when the format carries one (PDF info, DOCX core properties, HTML <title>, first Markdown h1). */
  title?: string;
  /** Number of pages, for paged formats. */
  pageCount?: number;
  /** Detected text encoding, for text-based formats (e.g. 'utf-8', 'utf-16le', 'gb18030', 'big5', 'windows-1252'). */
  encoding?: string;
  /**
   * True when line breaks come from page layout rather than the author (PDF): the normaliser then joins lines
   * broken inside a sentence and drops running headers/footers and page numbers.
   */
  layoutWrapped: boolean;
}

/** Why a file could not be indexed. Stable codes for programs; `message` is for a person. */
export type ParseFailureCode =
  | 'corrupt' // the file is damaged or not what its extension says
  | 'encrypted' // password-protected
  | 'empty' // zero bytes or no text at all
  | 'no-text-layer' // a PDF whose pages carry no text (scanned)
  | 'unsupported' // a format the engine does not read
  | 'too-large'; // over a size or decompressed-size limit

/** A file that cannot be indexed: code 'parse.<reason>', and the short reason a FailedFile carries. */
export class ParseError extends KbError {
  readonly reason: ParseFailureCode;
  constructor(reason: ParseFailureCode, message: string) {
    super(`parse.${reason}`, message);
    this.name = 'ParseError';
    this.reason = reason;
  }
}

export interface ParseOptions {
  /** Refuse a ZIP-based document (.docx, .xlsx, .ods, .pptx, .ofd) whose XML parts inflate to more than this many bytes, and an .xls larger than it. Defaults to 16 MiB. */
  maxDecompressedBytes?: number;
}
