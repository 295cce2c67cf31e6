// shared/engineApi.ts: every method is listed, and arguments from another process are checked before the engine
// sees them (main's IPC handlers and kb serve both call validateEngineArgs).
import { describe, expect, it } from 'vitest';
import {
  ENGINE_METHODS,
  InvalidArgumentsError,
  isEngineMethod,
  JOB_METHODS,
  jobOfCall,
  validateEngineArgs,
} from '../../shared/engineArgs.ts';

describe('validateEngineArgs', () => {
  it('knows each method once', () => {
    expect(new Set(ENGINE_METHODS).size).toBe(ENGINE_METHODS.length);
    expect(isEngineMethod('ask')).toBe(true);
    expect(isEngineMethod('constructor')).toBe(false);
    expect(isEngineMethod('__proto__')).toBe(false);
  });

  it('passes good arguments through, typed', () => {
    expect(validateEngineArgs('ask', ['三级系统的身份鉴别有哪些要求？', { mode: 'exact' }])).toEqual([
      '三级系统的身份鉴别有哪些要求？',
      { mode: 'exact' },
    ]);
    expect(validateEngineArgs('search', ['身份鉴别'])).toEqual(['身份鉴别', {}]);
    expect(validateEngineArgs('search', ['身份鉴别', { k: 5 }])).toEqual(['身份鉴别', { k: 5 }]);
    expect(
      validateEngineArgs('passageContext', [
        { documentId: 1, charStart: 10, charEnd: 20, quote: 'extra fields of a Citation are dropped' },
      ]),
    ).toEqual([{ documentId: 1, charStart: 10, charEnd: 20 }]);
    expect(validateEngineArgs('uploadFiles', [[{ name: '基本要求.pdf', dataBase64: 'JVBERg==' }]])).toEqual([
      [{ name: '基本要求.pdf', dataBase64: 'JVBERg==' }],
      {},
    ]);
    expect(validateEngineArgs('libraryInfo', [])).toEqual([]);
    expect(validateEngineArgs('ask', ['q', { mode: 'generate', jobId: 'r-1', maxAnswerTokens: 64 }])).toEqual([
      'q',
      { mode: 'generate', jobId: 'r-1', maxAnswerTokens: 64 },
    ]);
    expect(validateEngineArgs('loadLlm', ['/models/chatglm3-6b.Q4_K_M.gguf'])).toEqual([
      '/models/chatglm3-6b.Q4_K_M.gguf',
      {},
    ]);
    expect(
      validateEngineArgs('loadLlm', ['/m.gguf', { gpu: 'cuda', gpuLayers: 'auto', contextSize: 4096, threads: 1 }]),
    ).toEqual(['/m.gguf', { gpu: 'cuda', gpuLayers: 'auto', contextSize: 4096, threads: 1 }]);
    expect(validateEngineArgs('loadLlm', ['/m.gguf', { gpuLayers: 0 }])).toEqual(['/m.gguf', { gpuLayers: 0 }]);
    expect(validateEngineArgs('setEmbeddingModel', ['/models/bge-small-zh-v1.5'])).toEqual([
      '/models/bge-small-zh-v1.5',
      {},
    ]);
    expect(validateEngineArgs('cancelJob', ['r-1'])).toEqual(['r-1']);
    // Every job-starting method takes the caller's job id; an absent first argument travels as null in JSON.
    expect(validateEngineArgs('ingestPaths', [['/a'], { jobId: 'job-1' }])).toEqual([['/a'], { jobId: 'job-1' }]);
    expect(validateEngineArgs('rescanSources', [null, { jobId: 'job-2' }])).toEqual([undefined, { jobId: 'job-2' }]);
    expect(validateEngineArgs('loadLlm', ['/m.gguf', { jobId: 'load-1' }])).toEqual(['/m.gguf', { jobId: 'load-1' }]);
    expect(validateEngineArgs('setEmbeddingModel', ['/e', { jobId: 'e-1' }])).toEqual(['/e', { jobId: 'e-1' }]);
    expect(validateEngineArgs('modelStatus', [])).toEqual([]);
    expect(validateEngineArgs('unloadLlm', [])).toEqual([]);
  });

  it.each([
    ['libraryInfo', ['extra'], /at most 0 arguments/],
    ['ask', [''], /question must not be empty/],
    ['ask', [42], /question must be a string, got number/],
    ['ask', ['q', { mode: 'creative' }], /mode must be "exact" or "generate"/],
    ['ask', ['q', { conversationId: -1 }], /conversationId must be a whole number/],
    ['ask', ['q', { temperature: 1 }], /unknown field "temperature"/],
    ['ask', ['x'.repeat(2001)], /longer than 2000/],
    ['search', ['q', { k: 0 }], /between 1 and 50/],
    ['ingestPaths', [[]], /paths must not be empty/],
    ['ingestPaths', ['/home/a'], /paths must be an array/],
    ['uploadFiles', [[{ name: '../../etc/passwd', dataBase64: '' }]], /must not contain empty, "\." or "\.\." folders/],
    ['uploadFiles', [[{ name: 'GB/../../x.pdf', dataBase64: '' }]], /must not contain empty, "\." or "\.\." folders/],
    ['uploadFiles', [[{ name: '/etc/passwd', dataBase64: '' }]], /relative path/],
    ['uploadFiles', [[{ name: 'a//b.pdf', dataBase64: '' }]], /must not contain empty/],
    ['uploadFiles', [[{ name: 'a\\b.pdf', dataBase64: '' }]], /relative path with \/ between folders/],
    ['rescanSources', [[]], /paths must not be empty/],
    ['rescanSources', ['/home/a'], /paths must be an array/],
    ['documentFile', ['1'], /whole number/],
    ['inspectLlm', [''], /path must not be empty/],
    ['uploadFiles', [[{ name: 'a.pdf', dataBase64: 'not base64!' }]], /not base64/],
    ['removeDocument', [1.5], /whole number/],
    ['passageContext', [{ documentId: 1, charStart: 20, charEnd: 10 }], /charEnd must not be before charStart/],
    ['exportConversation', [null], /got null/],
    ['ask', ['q', { jobId: 'a b' }], /jobId may hold only/],
    ['ingestPaths', [['/a'], { jobId: 'a/b' }], /options\.jobId may hold only/],
    ['setEmbeddingModel', ['/e', { id: 'x' }], /unknown field "id"/],
    ['ask', ['q', { maxAnswerTokens: 0 }], /maxAnswerTokens must be between 1 and 4096/],
    ['loadLlm', [''], /path must not be empty/],
    ['loadLlm', ['/m.gguf', { gpu: 'tpu' }], /gpu must be one of "auto", "cpu", "metal", "cuda", "vulkan"/],
    ['loadLlm', ['/m.gguf', { gpuLayers: 'all' }], /gpuLayers must be a whole number/],
    ['loadLlm', ['/m.gguf', { contextSize: 10 }], /contextSize must be between 64 and 131072/],
    ['loadLlm', ['/m.gguf', { threads: 1.5 }], /threads must be a whole number/],
    ['loadLlm', ['/m.gguf', { seed: 1 }], /unknown field "seed"/],
    ['loadLlm', ['/m.gguf', {}, 'extra'], /at most 2 arguments/],
    ['setEmbeddingModel', [['/a']], /dir must be a string/],
    ['cancelJob', [''], /jobId must not be empty/],
    ['modelStatus', [1], /at most 0 arguments/],
  ] as const)('%s(%j) is refused', (method, args, message) => {
    expect(() => validateEngineArgs(method, args)).toThrow(InvalidArgumentsError);
    expect(() => validateEngineArgs(method, args)).toThrow(message);
  });

  it('names the methods that start jobs once, with their kind and the caller’s id', () => {
    expect([...JOB_METHODS].sort()).toEqual(
      ['ask', 'ingestPaths', 'loadLlm', 'rescanSources', 'setEmbeddingModel', 'uploadFiles'].sort(),
    );
    expect(jobOfCall('ingestPaths', [['/a'], { jobId: 'j-1' }])).toEqual({ kind: 'ingest', jobId: 'j-1' });
    expect(jobOfCall('loadLlm', ['/m.gguf', {}])).toEqual({ kind: 'llmLoad' });
    expect(jobOfCall('ask', ['q', { mode: 'generate', jobId: 'a-1' }])).toEqual({ kind: 'answer', jobId: 'a-1' });
    expect(jobOfCall('search', ['q', {}])).toBe(null);
  });

  it('refuses unknown methods and non-array arguments', () => {
    expect(() => validateEngineArgs('dropTables' as 'ask', [])).toThrow(/no such method/);
    expect(() => validateEngineArgs('ask', 'q' as unknown)).toThrow(/arguments must be an array/);
  });
});
