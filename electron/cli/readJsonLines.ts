import { readFileSync } from 'node:fs';
import { UsageError } from './UsageError.ts';

/** Non-blank lines of a JSONL file given as `--<option>`, with their 1-based line numbers. */
export function readJsonLines(file: string, option: string): { text: string; line: number }[] {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read --${option} file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return content
    .split(/\r?\n/)
    .map((text, index) => ({ text, line: index + 1 }))
    .filter(({ text }) => text.trim());
}

export interface BatchLine {
  line: number;
  id?: string;
  text?: string;
  error?: string;
}

/** Reads a `--batch` JSONL file of {"id", <field>} lines; a bad line becomes an error entry, the rest still run. */
export function readBatch(file: string, field: 'query' | 'question'): BatchLine[] {
  return readJsonLines(file, 'batch').map(({ text, line }) => {
    try {
      const value = JSON.parse(text) as Record<string, unknown>;
      if (typeof value[field] !== 'string') return { line, error: `line ${line}: "${field}" must be a string` };
      return { line, id: String(value.id ?? line), text: value[field] as string };
    } catch {
      return { line, error: `line ${line}: not valid JSON` };
    }
  });
}
