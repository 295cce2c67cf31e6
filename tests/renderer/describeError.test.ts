// Errors are worded at the edge: every code in shared/errorCodes.ts has a Chinese and an English sentence in
// renderer/src/describeError.ts, each using exactly the code's params, and an error whose code the page does not
// know is shown by its message. Real engine errors are worded from what they carry, also after a trip as WireError.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openLibraryDatabase } from '../../electron/engine/store/openLibraryDatabase.ts';
import { IngestInputError, walkInputs } from '../../electron/engine/ingest/walkInputs.ts';
import { UsageError } from '../../electron/cli/UsageError.ts';
import {
  describeError,
  describeFailedFile,
  describeSkippedFile,
  ERROR_WORDINGS,
  SKIP_WORDINGS,
} from '../../renderer/src/describeError.ts';
import { ERROR_CODES, type ErrorCode } from '../../shared/errorCodes.ts';
import { fromWireError, KbError, toWireError } from '../../shared/errors.ts';
import { InvalidArgumentsError, validateEngineArgs } from '../../shared/engineArgs.ts';
import { tempDir } from '../engine/helpers.ts';

const CODES = Object.keys(ERROR_CODES) as ErrorCode[];
const CJK = /[\u4e00-\u9fff]/;
const placeholders = (template: string): string[] => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
/** Params whose values are easy to find in a sentence: «file-0». */
const sampleParams = (code: ErrorCode): Record<string, string> =>
  Object.fromEntries(ERROR_CODES[code].map((name, i) => [name, `«${name}-${i}»`]));

describe('describeError', () => {
  it('has a Chinese and an English sentence for every code, each using exactly its params', () => {
    expect(CODES.length).toBeGreaterThan(50);
    expect(Object.keys(ERROR_WORDINGS).sort()).toEqual([...CODES].sort());
    for (const code of CODES) {
      const wording = ERROR_WORDINGS[code];
      const params = [...ERROR_CODES[code]].sort();
      expect(placeholders(wording.zh), `${code} (zh)`).toEqual(params);
      expect(placeholders(wording.en), `${code} (en)`).toEqual(params);
      // Chinese words, not the English sentence with a Chinese prefix; English without Chinese.
      expect(wording.zh.replace(/\{\w+\}/g, ''), `${code} (zh)`).toMatch(CJK);
      expect(wording.en, `${code} (en)`).not.toMatch(CJK);
    }
  });

  it('fills each sentence from the error params, in both languages', () => {
    for (const code of CODES) {
      if (code === 'internal') continue; // worded with its message: below
      const params = sampleParams(code);
      const error = new KbError(code, 'the English message', params);
      for (const language of ['zh', 'en'] as const) {
        const text = describeError(error, language);
        expect(text, `${code} (${language})`).not.toContain('{');
        expect(text, `${code} (${language})`).not.toBe('the English message');
        for (const value of Object.values(params)) expect(text, `${code} (${language})`).toContain(value);
        if (language === 'zh') expect(text).toMatch(CJK);
      }
    }
    expect(describeError(new KbError('rpc.busy', 'x', { maxInFlight: 64 }), 'zh')).toBe(
      '这个连接上已有 64 个请求未得到答复：请等它们完成',
    );
  });

  it('falls back to the message: an unknown code, no code, a plain Error, params that do not fill the sentence', () => {
    expect(describeError(new KbError('library.from-a-newer-engine', 'newer words', {}), 'zh')).toBe('newer words');
    expect(describeError(new Error('plain words'), 'zh')).toBe('plain words');
    expect(describeError('a string', 'en')).toBe('a string');
    expect(describeError(new KbError('library.not-found', 'no library at x', {}), 'zh')).toBe('no library at x');
    // An internal error says so in the page's language, with the message for a bug report.
    expect(describeError(new KbError('internal', 'boom', {}, 'internal'), 'zh')).toBe('出现意外错误：boom');
    expect(describeError(new KbError('internal', 'boom', {}, 'internal'), 'en')).toBe(
      'Something unexpected went wrong: boom',
    );
  });

  it('words a refusal reported by another from that refusal (an upload the server refused)', () => {
    const server = fromWireError({
      name: 'UploadRefusedError',
      code: 'upload.too-large',
      params: { limitMiB: 100 },
      message: 'the file is over the 100 MiB a file uploaded here may be',
      kind: 'user',
    });
    const refused = Object.assign(
      new KbError('upload.refused', '"大文件.pdf" was not uploaded: …', { name: '大文件.pdf', detail: server.message }),
      { cause: server },
    );
    expect(describeError(refused, 'zh')).toBe(
      '“大文件.pdf”未能上传：文件超过了此处允许上传的 100 MiB：请拆分它，或在服务器上用 kb ingest 导入',
    );
  });

  it('words the engine’s own errors from what they carry, also after they travelled as a WireError', async () => {
    const dir = tempDir('describe-error-');
    onTestFinished(dir.cleanup);
    mkdirSync(path.join(dir.dir, 'sub'));
    const missing = path.join(dir.dir, 'sub', '客户.kb.sqlite');
    const errors = [
      (() => {
        try {
          openLibraryDatabase(missing);
        } catch (error) {
          return error;
        }
        throw new Error('expected a refusal');
      })(),
      await walkInputs([path.join(dir.dir, '没有.pdf')]).catch((error: unknown) => error),
      (() => {
        try {
          validateEngineArgs('search', [42]);
        } catch (error) {
          return error;
        }
        throw new Error('expected a refusal');
      })(),
      new UsageError('missing --library <file>'),
    ];
    expect(errors[1]).toBeInstanceOf(IngestInputError);
    expect(errors[2]).toBeInstanceOf(InvalidArgumentsError);
    const expected = [
      `找不到知识库 ${missing}：先用 kb ingest 导入文件夹来创建它`,
      `找不到文件或文件夹：${path.join(dir.dir, '没有.pdf')}`,
      /^请求的参数不正确（search：.+）$/,
      '命令行有误：missing --library <file>',
    ];
    errors.forEach((error, i) => {
      const travelled = fromWireError(JSON.parse(JSON.stringify(toWireError(error))));
      for (const each of [error, travelled]) {
        const text = describeError(each, 'zh');
        if (typeof expected[i] === 'string') expect(text).toBe(expected[i]);
        else expect(text).toMatch(expected[i]!);
      }
    });
  });

  it('words a failed or skipped file by its code in Chinese, and keeps the engine’s detail in English', () => {
    // Every FailedFile code (shared/types.ts) has a Chinese sentence.
    for (const code of [
      'corrupt',
      'encrypted',
      'empty',
      'no-text-layer',
      'unsupported',
      'too-large',
      'unreadable',
      'internal',
    ]) {
      const text = describeFailedFile(code, 'the English detail', 'zh');
      expect(text, code).toMatch(CJK);
      expect(text, code).not.toContain('English');
      expect(describeFailedFile(code, 'the English detail', 'en')).toBe('the English detail');
    }
    expect(describeFailedFile('encrypted', 'password-protected PDF', 'zh')).toBe('文件有密码保护：去掉密码后再添加');
    expect(describeFailedFile('a-newer-code', 'newer detail', 'zh')).toBe('newer detail');
    expect(describeFailedFile(null, 'no code recorded', 'zh')).toBe('no code recorded');
    for (const reason of Object.keys(SKIP_WORDINGS) as (keyof typeof SKIP_WORDINGS)[]) {
      expect(describeSkippedFile(reason, 'detail', 'zh'), reason).toMatch(CJK);
      expect(describeSkippedFile(reason, 'detail', 'en'), reason).toBe('detail');
    }
  });
});
